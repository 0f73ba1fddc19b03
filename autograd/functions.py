"""The engine's functions for Values and plain numbers alike: ``autograd.sin(x)``.

Each takes a Value or a number (a number becomes a Constant leaf) and returns a Value.
"""

from __future__ import annotations

from . import ops
from .value import Value, apply, as_value


def exp(x) -> Value:
    """e^x; d/dx = e^x."""
    return as_value(x).exp()


def log(x) -> Value:
    """Natural logarithm, x > 0; d/dx = 1/x."""
    return as_value(x).log()


def sqrt(x) -> Value:
    """Square root, x >= 0; d/dx = 1/(2 sqrt(x))."""
    return as_value(x).sqrt()


def sin(x) -> Value:
    """sin(x); d/dx = cos(x)."""
    return as_value(x).sin()


def cos(x) -> Value:
    """cos(x); d/dx = -sin(x)."""
    return as_value(x).cos()


def tanh(x) -> Value:
    """tanh(x), in (-1, 1); d/dx = 1 - tanh(x)^2."""
    return as_value(x).tanh()


def sigmoid(x) -> Value:
    """1 / (1 + e^-x), in (0, 1); d/dx = s(1 - s)."""
    return as_value(x).sigmoid()


def relu(x) -> Value:
    """max(x, 0); d/dx = 1 for x > 0, else 0 (0 at x = 0)."""
    return as_value(x).relu()


def leaky_relu(x, slope: float = 0.01) -> Value:
    """x for x > 0, else slope * x; d/dx = 1 or slope."""
    return as_value(x).leaky_relu(slope)


def softplus(x) -> Value:
    """log(1 + e^x), a smooth ReLU; d/dx = sigmoid(x)."""
    return as_value(x).softplus()


def elu(x, alpha: float = 1.0) -> Value:
    """x for x > 0, else alpha (e^x - 1); d/dx = 1 or alpha e^x."""
    return as_value(x).elu(alpha)


def sum(values) -> Value:  # noqa: A001 - the lecture's name for the neuron's sum
    """x1 + x2 + ... + xn as ONE node with n parents (as the lecture draws a neuron).

    d/dxi = 1 for every i. Python's built-in ``sum`` would make n - 1 add nodes.
    """
    return apply(ops.SUM, *values)


def logsumexp(values) -> Value:
    """log(e^x1 + ... + e^xn) as ONE node, stable for any finite inputs.

    Computed as m + log(sum(e^(xi - m))) with m = max(xi), so no exp overflows;
    d/dxi = e^(xi - out) = softmax(x)i.
    """
    return apply(ops.LOGSUMEXP, *values)
