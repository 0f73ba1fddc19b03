"""The shared per-op test table: one row per op of the engine's table.

Each row gives, for its op:

- ``cases``: how to build it from Values, its value and its derivative(s) WRITTEN BY HAND
  with ``math`` (never read from the op table, so a wrong rule cannot agree with itself),
  and points away from kinks and domain edges. test_ops checks the engine there, and
  gradcheck (central differences) at the same points.
- ``anywhere(setting, *operands)``: the op applied so that ANY finite operands are in its
  domain (log of a*a + 0.5, never of a): the random graphs of test_properties
  (hypothesis) and test_tape (batches) are built from these, with ``settings`` to draw
  from.

Adding an op to ``autograd/ops.py`` means adding its row here; tests fail until it exists.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import autograd as ag


@dataclass(frozen=True)
class Case:
    """The op built one way, with its value and derivative by hand, at some points.

    One input: ``build(x)``, ``value(a)``, ``derivative(a)`` a float, points floats.
    Two inputs: ``build(x, y)``, ``value(a, b)``, ``derivative(a, b)`` a pair, points pairs.
    Any number: ``build([x1, ...])``, ``value(list)``, ``derivative(list)`` a list, points lists.
    """

    build: Callable
    value: Callable
    derivative: Callable
    points: tuple


@dataclass(frozen=True)
class Row:
    """One op: its hand-checked cases and how random graphs use it."""

    name: str
    arity: int | None  # the number of operands anywhere takes (None: any, at least 1)
    anywhere: Callable  # anywhere(setting, *operands), defined for any finite operands
    cases: tuple[Case, ...]
    settings: tuple = (None,)  # the settings random graphs draw from (powc's k, leaky_relu's slope)
    kinked: bool = False  # not differentiable at 0: finite differences there are wrong
    steep: bool = False  # overflows on moderate operands: random batch graphs squash them (tanh) first


def positive(a):
    """a*a + 0.5 > 0 for every a: keeps log, sqrt, div and real powers in their domain."""
    return a * a + 0.5


def power(a, k):
    """a ** k for any a: integer powers are defined for every base, the others need a base > 0."""
    return a**k if k >= 0 and k == int(k) else positive(a) ** k


def sig(a):
    """The logistic function by its definition, for moderate a."""
    return 1.0 / (1.0 + math.exp(-a))


def softmax(values):
    total = sum(math.exp(v) for v in values)
    return [math.exp(v) / total for v in values]


PAIRS = ((0.5, -2.0), (3.0, 1.5))
LISTS = ([0.7], [0.5, -1.0], [-1.0, -0.5, 0.0, 0.5, 1.0])

# fmt: off
ROWS = {row.name: row for row in [
    # ----- Binary operators -----
    Row("add", 2, lambda s, a, b: a + b, (
        Case(lambda x, y: x + y, lambda a, b: a + b, lambda a, b: (1.0, 1.0), PAIRS),)),
    Row("sub", 2, lambda s, a, b: a - b, (
        Case(lambda x, y: x - y, lambda a, b: a - b, lambda a, b: (1.0, -1.0), PAIRS),)),
    Row("mul", 2, lambda s, a, b: a * b, (
        Case(lambda x, y: x * y, lambda a, b: a * b, lambda a, b: (b, a), PAIRS),)),
    Row("div", 2, lambda s, a, b: a / positive(b), (
        Case(lambda x, y: x / y, lambda a, b: a / b, lambda a, b: (1.0 / b, -a / (b * b)),
             (*PAIRS, (-1.0, 0.25))),)),
    Row("pow", 2, lambda s, a, b: positive(a) ** b, (
        Case(lambda x, y: x**y, lambda a, b: a**b, lambda a, b: (b * a ** (b - 1.0), a**b * math.log(a)),
             ((0.5, 2.0), (2.0, -1.5), (1.3, 0.0), (3.0, 0.5))),), steep=True),
    # ----- Unary operators -----
    Row("powc", 1, lambda k, a: power(a, k), (
        Case(lambda x: x**2, lambda a: a * a, lambda a: 2.0 * a, (-1.5, 0.5, 2.0)),
        Case(lambda x: x**3, lambda a: a**3, lambda a: 3.0 * a * a, (-1.5, 0.5, 2.0)),
        Case(lambda x: x**-1, lambda a: 1.0 / a, lambda a: -1.0 / (a * a), (-2.0, 0.5, 3.0)),
        Case(lambda x: x**0.5, math.sqrt, lambda a: 0.5 / math.sqrt(a), (0.25, 4.0)),
        Case(lambda x: x**-1.5, lambda a: a**-1.5, lambda a: -1.5 * a**-2.5, (0.25, 4.0)),
        Case(lambda x: x**0, lambda a: 1.0, lambda a: 0.0, (-2.0, 0.5)),
    ), settings=(2, 3, -1, 0.5, 1.5, -1.5)),
    Row("neg", 1, lambda s, a: -a, (
        Case(lambda x: -x, lambda a: -a, lambda a: -1.0, (-1.5, 0.3, 2.0)),)),
    Row("abs", 1, lambda s, a: abs(a), (
        Case(lambda x: abs(x), abs, lambda a: math.copysign(1.0, a), (-1.5, 0.3, 2.0)),), kinked=True),
    # ----- Functions of one input -----
    Row("exp", 1, lambda s, a: ag.exp(a), (
        Case(ag.exp, math.exp, math.exp, (-2.0, 0.1, 3.0)),), steep=True),
    Row("log", 1, lambda s, a: ag.log(positive(a)), (
        Case(ag.log, math.log, lambda a: 1.0 / a, (0.2, 1.0, 5.0)),)),
    Row("sqrt", 1, lambda s, a: ag.sqrt(positive(a)), (
        Case(ag.sqrt, math.sqrt, lambda a: 1.0 / (2.0 * math.sqrt(a)), (0.04, 1.0, 9.0)),)),
    Row("sin", 1, lambda s, a: ag.sin(a), (
        Case(ag.sin, math.sin, math.cos, (-2.0, 0.0, 1.3)),)),
    Row("cos", 1, lambda s, a: ag.cos(a), (
        Case(ag.cos, math.cos, lambda a: -math.sin(a), (-2.0, 0.0, 1.3)),)),
    Row("atan", 1, lambda s, a: ag.atan(a), (
        Case(ag.atan, math.atan, lambda a: 1.0 / (1.0 + a * a), (-3.0, 0.0, 0.5, 40.0)),)),
    Row("tanh", 1, lambda s, a: ag.tanh(a), (
        Case(ag.tanh, math.tanh, lambda a: 1.0 - math.tanh(a) ** 2, (-2.0, 0.0, 0.7)),)),
    Row("sigmoid", 1, lambda s, a: ag.sigmoid(a), (
        Case(ag.sigmoid, sig, lambda a: sig(a) * (1.0 - sig(a)), (-3.0, 0.0, 2.5)),)),
    Row("relu", 1, lambda s, a: ag.relu(a), (
        Case(ag.relu, lambda a: max(a, 0.0), lambda a: 1.0 if a > 0 else 0.0, (-1.2, 0.5, 3.0)),),
        kinked=True),
    Row("leaky_relu", 1, lambda slope, a: ag.leaky_relu(a, slope=slope), (
        Case(ag.leaky_relu,  # the default slope 0.01
             lambda a: a if a > 0 else 0.01 * a, lambda a: 1.0 if a > 0 else 0.01, (-1.2, 0.5)),
        Case(lambda x: ag.leaky_relu(x, slope=0.2),
             lambda a: a if a > 0 else 0.2 * a, lambda a: 1.0 if a > 0 else 0.2, (-1.2, 0.5)),
    ), settings=(0.01, 0.2), kinked=True),
    Row("softplus", 1, lambda s, a: ag.softplus(a), (
        Case(ag.softplus, lambda a: math.log(1.0 + math.exp(a)), sig, (-3.0, 0.0, 2.0)),)),
    Row("elu", 1, lambda alpha, a: ag.elu(a, alpha=alpha), (
        Case(ag.elu,  # the default alpha 1.0
             lambda a: a if a > 0 else math.exp(a) - 1.0,
             lambda a: 1.0 if a > 0 else math.exp(a), (-1.5, 0.4)),
        Case(lambda x: ag.elu(x, alpha=2.0),
             lambda a: a if a > 0 else 2.0 * (math.exp(a) - 1.0),
             lambda a: 1.0 if a > 0 else 2.0 * math.exp(a), (-1.5, 0.4)),
    ), settings=(1.0, 0.5), kinked=True),
    # ----- Functions of any number of inputs -----
    Row("sum", None, lambda s, *a: ag.sum(a), (
        Case(ag.sum, sum, lambda values: [1.0] * len(values), LISTS),)),
    Row("logsumexp", None, lambda s, *a: ag.logsumexp(a), (
        Case(ag.logsumexp, lambda values: math.log(sum(math.exp(v) for v in values)), softmax, LISTS),)),
]}
"""Every op's row, by the op's name."""
# fmt: on
