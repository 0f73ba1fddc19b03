"""The engine's functions for Values and plain numbers alike: ``autograd.sin(x)``.

One function per entry of the op table with a ``function`` name, made from that entry
(its docstring too), so a new op needs no code here. A one-input function takes a Value
or a number (a number becomes a Constant leaf) and is the Value's method of the same
name: ``autograd.sin(x)`` is ``x.sin()``. An n-ary function (``sum``, ``logsumexp``)
takes a list of Values and numbers and makes ONE node with them all as parents:
Python's built-in ``sum`` would make n - 1 add nodes.
"""

from __future__ import annotations

import inspect

from . import ops
from .value import Value, apply, as_value


def _function(op: ops.Op):
    """autograd.<op.function>: the Value method on x, or, n-ary, one node over a list."""
    if op.arity is None:

        def function(values) -> Value:
            return apply(op, *values)

    else:
        method = getattr(Value, op.function)

        def function(x, *setting, **named) -> Value:
            return method(as_value(x), *setting, **named)

        function.__signature__ = _with_x(method)
    function.__name__ = function.__qualname__ = op.function
    function.__doc__ = op.doc
    return function


def _with_x(method):
    """The method's signature with x (a Value or a number) in place of self."""
    signature = inspect.signature(method)
    first, *rest = signature.parameters.values()
    return signature.replace(parameters=[first.replace(name="x"), *rest])


FUNCTIONS = {op.function: _function(op) for op in ops.TABLE.values() if op.function}
"""Every function of the engine by name, in the table's order."""

globals().update(FUNCTIONS)
__all__ = list(FUNCTIONS)
