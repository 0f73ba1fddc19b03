"""autograd: a scalar reverse-mode automatic differentiation engine.

Build an expression from Values; ``backward()`` fills in every gradient:

>>> from autograd import Value, sin, log, cos
>>> x, w1 = Value(2.0, label="x"), Value(0.5, label="w1")
>>> y = sin(w1 * x + log(x)) + cos(x)
>>> y.backward()
>>> round(x.grad, 4), round(w1.grad, 4)
(-1.0313, -0.2441)
"""

from . import functions
from .backprop import backward, grad, reference_backward, topological_order
from .context import Scope, gc_paused, is_grad_enabled, no_grad, scope
from .errors import DomainError
from .functions import *  # noqa: F403 - one function per op of the table: exp, log, ..., sum, logsumexp
from .gradcheck import GradcheckError, gradcheck, numeric_grad
from .ops import TABLE, Op
from .tape import Tape, TraceError, trace
from .value import Constant, Parameter, Value, apply, as_value

__all__ = [
    "Value",
    "Parameter",
    "Constant",
    "as_value",
    "apply",
    "backward",
    "reference_backward",
    "grad",
    "topological_order",
    "no_grad",
    "gc_paused",
    "is_grad_enabled",
    "scope",
    "Scope",
    "DomainError",
    "gradcheck",
    "numeric_grad",
    "GradcheckError",
    "TABLE",
    "Op",
    *functions.__all__,
    "trace",
    "Tape",
    "TraceError",
]

BACKPROP_LAB = True
"""Marks this autograd as backprop-lab's (nn and viz check it: HIPS autograd has the same name)."""
