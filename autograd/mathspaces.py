"""The small sets of maths functions that the op table's rules are written against.

Each rule in the op table is written once, against a namespace ``m`` of primitives
(``m.exp``, ``m.step``, ...). Handing it a different namespace applies the same rule
to a different kind of number:

- ``FLOATS``: Python floats, for the scalar engine's forward and backward passes;
- ``ARRAYS``: numpy arrays, for the batch tape;
- ``VALUES``: Values, for backward(create_graph=True), so the gradient is itself a
  graph and can be differentiated again.

The forward rules need the whole set below; the derivative rules need only the part
that ``VALUES`` also provides (exp, log, sin, cos, sigmoid, step, sign).
"""

import math

import numpy as np


class FloatMath:
    """The primitives on Python floats, numerically stable for any finite input."""

    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    atan = staticmethod(math.atan)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def sigmoid(a):
        # Two branches so exp never sees a large positive argument.
        if a >= 0.0:
            return 1.0 / (1.0 + math.exp(-a))
        e = math.exp(a)
        return e / (1.0 + e)

    @staticmethod
    def softplus(a):
        # log(1 + e^a) = max(a, 0) + log(1 + e^-|a|): no overflow for large a.
        return max(a, 0.0) + math.log1p(math.exp(-abs(a)))

    @staticmethod
    def step(a):
        """1 where a > 0, else 0 (the subgradient we choose at 0 is 0)."""
        return 1.0 if a > 0.0 else 0.0

    @staticmethod
    def sign(a):
        """-1, 0 or 1 (the subgradient of |a| we choose at 0 is 0)."""
        return 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)

    @staticmethod
    def maximum(a, b):
        return a if a > b else b

    @staticmethod
    def minimum(a, b):
        return a if a < b else b

    @staticmethod
    def abs(a):
        return abs(a)


class ArrayMath:
    """The same primitives on numpy arrays, element by element."""

    exp = staticmethod(np.exp)
    expm1 = staticmethod(np.expm1)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    atan = staticmethod(np.arctan)
    tanh = staticmethod(np.tanh)
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)

    @staticmethod
    def sigmoid(a):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def softplus(a):
        return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))

    @staticmethod
    def step(a):
        return (a > 0).astype(float)


class ValueMath:
    """The primitives the derivative rules use, on Values: for backward(create_graph=True).

    Each calls the Value's own method, so this module needs no import of ``value.py``:
    value.py builds on this module (its forward pass uses FLOATS), and an import back
    would make a cycle. The derivative rules only ever hand these Values.
    """

    @staticmethod
    def exp(a):
        return a.exp()

    @staticmethod
    def log(a):
        return a.log()

    @staticmethod
    def sin(a):
        return a.sin()

    @staticmethod
    def cos(a):
        return a.cos()

    @staticmethod
    def sigmoid(a):
        return a.sigmoid()

    @staticmethod
    def step(a):
        # The derivative of a step is 0 everywhere it exists, so a plain number will do.
        return FloatMath.step(a.data)

    @staticmethod
    def sign(a):
        return FloatMath.sign(a.data)


FLOATS = FloatMath()
ARRAYS = ArrayMath()
VALUES = ValueMath()
