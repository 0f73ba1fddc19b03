"""Curvature by double backward: Hessian-vector products without building the Hessian.

The Hessian H of f in the parameters w is the derivative of the gradient. For a vector v,

    H v = d/dw (grad f(w) . v)

so one backward pass with ``create_graph=True`` (the gradient as a graph of Values), a dot
product with v, and a second backward pass give H v, at the cost of about two gradients,
whatever the number of parameters. The n x n matrix H is never formed.
"""

from __future__ import annotations

import math
from numbers import Real

from . import functions
from .backprop import grad
from .value import Value


def hvp_operator(f_value: Value, params):
    """The function v -> H v for the Hessian H of ``f_value`` in ``params``, made once.

    The gradient graph (backward with ``create_graph=True``) is built here, once; each call
    then costs one backward pass over it: H v = d/dw (grad f . v). Use it for many vectors
    (power iteration); ``hvp`` is the one-vector shortcut. The ``grad`` attributes are left
    as they were.
    """
    if not isinstance(f_value, Value):
        raise TypeError(f"hvp needs f_value to be a Value (the output), got {type(f_value).__name__}")
    params = _as_params(params)
    gradient = grad(f_value, params, create_graph=True)
    # A parameter f does not depend on (or only linearly, through a constant gradient) has a
    # float gradient: it contributes nothing to H v.
    pairs = [(i, g) for i, g in enumerate(gradient) if isinstance(g, Value)]
    n = len(params)

    def product(v) -> list[float]:
        """H v, a list of floats (one per parameter)."""
        v = _as_vector(v, n)
        terms = [g * v[i] for i, g in pairs if v[i] != 0.0]
        if not terms:
            return [0.0] * n
        dot = terms[0] if len(terms) == 1 else functions.sum(terms)  # ONE n-ary node for the dot product
        return [float(x) for x in grad(dot, params)]

    return product


def hvp(f_value: Value, params, v) -> list[float]:
    """The Hessian-vector product H v of ``f_value`` in ``params``: d/dw (grad f . v).

    Two backward passes (the first with ``create_graph=True``), no Hessian built:

    >>> from autograd import Value
    >>> x, y = Value(1.0), Value(2.0)
    >>> f = x * x * y            # H = [[2y, 2x], [2x, 0]] = [[4, 2], [2, 0]]
    >>> hvp(f, [x, y], [1.0, 0.0])
    [4.0, 2.0]
    """
    return hvp_operator(f_value, params)(v)


def _as_params(params) -> list[Value]:
    if isinstance(params, Value):
        return [params]
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"hvp needs params to be a list of Values, got {type(params).__name__}") from None
    if not params:
        raise ValueError("hvp needs at least one parameter, got an empty params list")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"hvp needs params to be Values; params[{i}] is {type(p).__name__} {p!r}")
    return params


def _as_vector(v, n: int) -> list[float]:
    try:
        v = list(v)
    except TypeError:
        raise TypeError(f"hvp needs v to be a sequence of {n} numbers, got {type(v).__name__}") from None
    if len(v) != n:
        raise ValueError(f"hvp needs v to have one number per parameter ({n}), got {len(v)}")
    out = []
    for i, x in enumerate(v):
        if not isinstance(x, Real) or isinstance(x, bool) or not math.isfinite(x):
            raise ValueError(f"hvp needs v to hold finite numbers; v[{i}] is {x!r}")
        out.append(float(x))
    return out
