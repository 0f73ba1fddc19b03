"""The op table: every operation of the engine, defined once.

An entry says everything the rest of the project needs to know about an op:

- ``forward(m, a, b, ...)``: the output from the inputs,
- ``local(m, out, a, b, ...)``: the local derivatives d out / d input, one per input,
- ``template`` and ``rules``: the same two things as text, for pictures and ledgers,
- ``valid(a, b, ...)`` and ``domain``: where the op is defined, and that rule in words,
- how users call it: ``function`` (``Value.sin()``, ``autograd.sin(x)``, the CLI's
  ``sin(x)``, with ``doc`` as their docstring) or, for an operator, its ``precedence``,
- what the batch tape may exploit: ``reducer`` (an n-ary fold of a numpy ufunc) and
  ``product`` (the w * x that a weighted sum takes in).

Everything else is made from these entries or checked against them by a test: the Value
methods and ``autograd`` functions (``autograd.functions``), the CLI parser's functions,
the pictures' texts. Adding an op is one entry here plus one row of the shared test
cases (``tests/autograd/op_cases.py``).

``m`` is a namespace of maths primitives (see ``autograd.mathspaces``): the scalar
backward pass hands the rules floats, ``backward(create_graph=True)`` hands them Values
and the batch tape numpy arrays, so each derivative is written in exactly one place.
The ``valid`` predicates use ``&`` and ``|`` so that they work on floats and arrays alike.

Ops with a setting (``a ** 3``, ``leaky_relu(a, slope=0.1)``, ``elu(a, alpha=2)``) are
families: ``POWC.bind(k=3)`` gives the op with the setting filled in. A family's
``forward``, ``local`` and ``valid`` take the settings and return the function for them
(``lambda k: lambda m, a: a**k``), so a bound op calls its rules as fast as any other.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

EXP_LIMIT = 709.782712893384  # the largest a with exp(a) finite in float64
ELLIPSIS = "…"


@dataclass(frozen=True, eq=False)
class Op:
    """One entry of the op table.

    ``template`` writes the output in terms of its inputs, with a placeholder per input:
    ``"{a} * {b}"``, ``"sin({a})"``. An n-ary op writes ``{terms}``, its ``term`` once per
    input joined by " + ": ``"log({terms})"`` with the term ``"exp({a})"``. Its one rule
    is written for input ``{a}``, the ``{i}``-th: ``"exp({a} - out) = softmax(a){i}"``.
    """

    name: str
    symbol: str  # what a graph picture writes in the op's node
    forward: object  # a family's forward and local, like its valid, take the settings and return the rule
    local: object
    template: str
    rules: tuple  # the text of each local derivative, in terms of a, b, out
    arity: int | None = 1  # None: any number of inputs (sum)
    valid: object = None  # a family's valid takes the settings and returns the predicate
    domain: str = ""
    family: tuple = ()  # names of the settings a family entry still needs
    defaults: dict = field(default_factory=dict)  # a family's settings when the caller gives none
    function: str = ""  # Value.<function>(), autograd.<function>(x); "" for an operator
    doc: str = ""  # the function's one-line docstring, with its derivative
    precedence: int | None = None  # an infix operator's binding, as Python's: + 1, * 2, unary - 3, ** 4
    regroups: bool = True  # a + (b + c) may be written a + b + c; not so a - (b - c), a / (b / c)
    term: str = ""  # an n-ary op's term, once per input in the template's {terms}
    reducer: object = None  # an n-ary op that folds a numpy ufunc: its operands add in any grouping
    product: bool = False  # a * b: a weighted sum's products w * x fold into a matrix product

    def bind(self, **params) -> Op:
        """The op with its settings filled in: ``POWC.bind(k=3)`` is the op of ``a ** 3``.

        The latest ``BIND_CACHE_SIZE`` settings are cached, so ``x ** 2`` in a loop builds
        its Op once; a program that makes millions of distinct exponents keeps only those.
        """
        return _bind(self, tuple(params.items()))

    @property
    def formula(self) -> str:
        """The output in terms of the inputs a, b (a1 ... an for an n-ary op): 'sin(a)'."""
        if self.arity is None:
            return self.write(["a1", None, "an"], ellipsis="...")
        return self.write(self.input_names(self.arity))

    def input_names(self, n: int) -> list[str]:
        """The names the formula and rules use for n inputs: a, b (or a1 ... an for sum)."""
        if self.arity is None:
            return [f"a{i + 1}" for i in range(n)]
        return ["a", "b"][:n]

    def write(self, operands, ellipsis: str = ELLIPSIS) -> str:
        """The template with each input's text filled in: write(['x', '2']) = 'x * 2'.

        For an n-ary op, an operand None stands for the inputs left out: the ellipsis
        goes in place of a whole term, 'log(exp(x1) + … + exp(x9))'.
        """
        if self.arity is None:
            terms = [ellipsis if x is None else self.term.format(a=x) for x in operands]
            return _fill(self.template, {"terms": " + ".join(terms)})
        return _fill(self.template, dict(zip("ab", operands)))

    def bracketed(self, i: int) -> bool:
        """True when input i sits alone in brackets of the template's own, as in sin(a).

        A negative number there needs no brackets of its own: exp(-3), but 2 * (-3).
        """
        if self.arity is None:
            return "({a})" in self.term
        return "({" + "ab"[i] + "})" in self.template

    def rule_text(self, i: int, n: int | None = None) -> str:
        """The chain-rule text of input i, e.g. 'd sin(a)/da = cos(a)', 'd (a * b)/da = b'.

        n is the number of inputs (n-ary ops: sum, logsumexp). A formula with spaces gets
        brackets, so the derivative reads as one: d (a * b)/da, but d sin(a)/da.
        """
        names = self.input_names(n if n is not None else (self.arity or i + 1))
        formula = self.formula
        if " " in formula:
            formula = f"({formula})"
        if self.arity is None:
            return f"d {formula}/d{names[i]} = {self.rules[0].format(a=names[i], i=i + 1)}"
        return f"d {formula}/d{names[i]} = {self.rules[i]}"


BIND_CACHE_SIZE = 1024
"""How many bound ops (one per family and setting) ``Op.bind`` keeps: a program uses a few."""


@lru_cache(maxsize=BIND_CACHE_SIZE)
def _bind(op: Op, settings: tuple) -> Op:
    """Op.bind, cached on (op, settings): least recently used settings are dropped first."""
    params = dict(settings)
    if set(params) != set(op.family):
        raise TypeError(f"{op.name} needs the settings {op.family}, got {sorted(params)}")
    return replace(
        op,
        forward=op.forward(**params),
        local=op.local(**params),
        valid=op.valid(**params) if op.valid else None,
        template=_fill(op.template, params),
        rules=tuple(_fill(r, params) for r in op.rules),
        symbol=op.symbol.format(**params),
        domain=op.domain.format(**params),
        family=(),
    )


class _Keep(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fill(text: str, params: dict) -> str:
    """text with a family's settings filled in and the inputs' placeholders ({a}, {b}) kept."""
    return string.Formatter().vformat(text, (), _Keep(params))


def _powc_valid(k):
    """Where a ** k is defined, decided once per exponent k (None: everywhere)."""
    if k >= 0 and k == int(k):
        return None
    if k == int(k):
        return lambda a: a != 0  # 0 to a negative power is 1/0
    if k > 0:
        return lambda a: a >= 0  # a negative base to a non-integer power is complex
    return lambda a: a > 0


def _leaky_forward(slope):
    return lambda m, a: m.maximum(a, 0.0) + slope * m.minimum(a, 0.0)


def _leaky_local(slope):
    def local(m, out, a):
        s = m.step(a)
        return (s + slope * (1.0 - s),)

    return local


def _elu_forward(alpha):
    return lambda m, a: m.maximum(a, 0.0) + alpha * m.expm1(m.minimum(a, 0.0))


def _elu_local(alpha):
    # For a <= 0, d out/da = alpha e^a. Not out + alpha (equal on paper): below a = -17 that
    # sum cancels, and at a = -40 it is exactly 0. min(a, 0) keeps e^a from overflowing
    # where the step picks 1 anyway.
    def local(m, out, a):
        s = m.step(a)
        return (s + (1.0 - s) * alpha * m.exp(m.minimum(a, 0.0)),)

    return local


def _logsumexp_forward(m, *a):
    # Shifting by the largest input keeps every exp <= 1: no overflow for any finite input.
    top = a[0]
    for ai in a[1:]:
        top = m.maximum(top, ai)
    return top + m.log(sum(m.exp(ai - top) for ai in a))


def _logsumexp_local(m, out, *a):
    # softmax(a)i = exp(ai - c) / Σj exp(aj - c) for any number c; c = out keeps every exp
    # <= 1. c is detached (a plain number): were it the node out, a second derivative
    # would run through out as well and sum +e^a and -e^a around the true 1, which
    # vanishes beside them (logsumexp([exp(x)]) at x = 39 would have d²/dx² = 0, not e^x).
    c = m.detach(out)
    e = [m.exp(ai - c) for ai in a]
    total = sum(e[1:], e[0])
    return tuple(ei / total for ei in e)


# fmt: off
# ----- Binary operators -----
ADD = Op(
    "add", "+",
    lambda m, a, b: a + b,
    lambda m, out, a, b: (1.0, 1.0),
    "{a} + {b}", ("1", "1"), arity=2, precedence=1,
)
SUB = Op(
    "sub", "−",
    lambda m, a, b: a - b,
    lambda m, out, a, b: (1.0, -1.0),
    "{a} - {b}", ("1", "-1"), arity=2, precedence=1, regroups=False,
)
MUL = Op(
    "mul", "×",
    lambda m, a, b: a * b,
    lambda m, out, a, b: (b, a),
    "{a} * {b}", ("b", "a"), arity=2, precedence=2, product=True,
)
DIV = Op(
    "div", "÷",
    lambda m, a, b: a / b,
    lambda m, out, a, b: (1.0 / b, -out / b),
    "{a} / {b}", ("1/b", "-a/b² = -out/b"), arity=2, precedence=2, regroups=False,
    valid=lambda a, b: b != 0, domain="a / b needs b ≠ 0",
)
POW = Op(
    "pow", "^",
    lambda m, a, b: a**b,
    lambda m, out, a, b: (b * a ** (b - 1.0), out * m.log(a)),
    "{a} ** {b}", ("b * a ** (b - 1)", "a ** b * log(a)"), arity=2, precedence=4,
    valid=lambda a, b: a > 0, domain="a ** b with a Value exponent b needs a base a > 0",
)

# ----- Unary operators -----
POWC = Op(
    "powc", "^{k}",
    lambda k: lambda m, a: a**k,
    # k = 0: a ** 0 is the constant 1, so 0 (k * a ** -1 would divide by zero at a = 0).
    lambda k: lambda m, out, a: (k * a ** (k - 1) if k != 0 else 0.0,),
    "{a} ** {k}", ("{k} * a ** ({k} - 1)",), precedence=4,
    valid=_powc_valid,
    domain="a ** {k} needs a ≠ 0 for a negative power and a ≥ 0 for a non-integer power",
    family=("k",),
)
NEG = Op(
    "neg", "−",
    lambda m, a: -a,
    lambda m, out, a: (-1.0,),
    "-{a}", ("-1",), precedence=3,
)
ABS = Op(
    "abs", "abs",
    lambda m, a: m.abs(a),
    lambda m, out, a: (m.sign(a),),
    "abs({a})", ("sign(a) (0 at a = 0)",),  # Python's abs(x): Value.__abs__
)

# ----- Functions of one input -----
EXP = Op(
    "exp", "exp",
    lambda m, a: m.exp(a),
    lambda m, out, a: (out,),
    "exp({a})", ("exp(a) = out",),
    valid=lambda a: a <= EXP_LIMIT, domain=f"exp(a) overflows a float for a > {EXP_LIMIT:.2f}",
    function="exp", doc="e^x; d/dx = e^x.",
)
LOG = Op(
    "log", "log",
    lambda m, a: m.log(a),
    lambda m, out, a: (1.0 / a,),
    "log({a})", ("1/a",),
    valid=lambda a: a > 0, domain="log(a) needs a > 0",
    function="log", doc="Natural logarithm, x > 0; d/dx = 1/x.",
)
SQRT = Op(
    "sqrt", "sqrt",
    lambda m, a: m.sqrt(a),
    lambda m, out, a: (0.5 / out,),
    "sqrt({a})", ("1/(2 sqrt(a)) = 0.5/out",),
    valid=lambda a: a >= 0, domain="sqrt(a) needs a ≥ 0",
    function="sqrt", doc="Square root, x >= 0; d/dx = 1/(2 sqrt(x)).",
)
SIN = Op(
    "sin", "sin",
    lambda m, a: m.sin(a),
    lambda m, out, a: (m.cos(a),),
    "sin({a})", ("cos(a)",),
    function="sin", doc="sin(x); d/dx = cos(x).",
)
COS = Op(
    "cos", "cos",
    lambda m, a: m.cos(a),
    lambda m, out, a: (-m.sin(a),),
    "cos({a})", ("-sin(a)",),
    function="cos", doc="cos(x); d/dx = -sin(x).",
)
ATAN = Op(
    "atan", "atan",
    lambda m, a: m.atan(a),
    lambda m, out, a: (1.0 / (1.0 + a * a),),
    "atan({a})", ("1/(1 + a²)",),
    function="atan", doc="arctan(x), in (-π/2, π/2); d/dx = 1/(1 + x^2).",
)
TANH = Op(
    "tanh", "tanh",
    lambda m, a: m.tanh(a),
    lambda m, out, a: (1.0 - out * out,),
    "tanh({a})", ("1 - tanh(a)² = 1 - out²",),
    function="tanh", doc="tanh(x), in (-1, 1); d/dx = 1 - tanh(x)^2 (saturates for large |x|).",
)
SIGMOID = Op(
    "sigmoid", "σ",
    lambda m, a: m.sigmoid(a),
    # σ(a)σ(-a) equals out (1 - out) but keeps its digits where σ saturates: at a = 30,
    # 1 - out would cancel to 3 significant digits (the vanishing gradient's true size).
    lambda m, out, a: (out * m.sigmoid(-a),),
    "sigmoid({a})", ("σ(a)σ(-a) = out (1 - out)",),
    function="sigmoid", doc="1 / (1 + e^-x), in (0, 1); d/dx = s(1 - s) <= 1/4 (saturates for large |x|).",
)
RELU = Op(
    "relu", "ReLU",
    lambda m, a: m.maximum(a, 0.0),
    lambda m, out, a: (m.step(a),),
    "relu({a})", ("1 if a > 0 else 0",),
    function="relu", doc="max(x, 0); d/dx = 1 for x > 0, else 0 (we choose 0 at x = 0).",
)
LEAKY_RELU = Op(
    "leaky_relu", "LReLU",
    _leaky_forward, _leaky_local,
    "leaky_relu({a})", ("1 if a > 0 else {slope}",),
    family=("slope",), defaults={"slope": 0.01},
    function="leaky_relu", doc="x for x > 0, else slope * x; d/dx = 1 or slope (slope at x = 0).",
)
SOFTPLUS = Op(
    "softplus", "softplus",
    lambda m, a: m.softplus(a),
    lambda m, out, a: (m.sigmoid(a),),
    "softplus({a})", ("σ(a)",),
    function="softplus", doc="log(1 + e^x), a smooth ReLU; d/dx = sigmoid(x).",
)
ELU = Op(
    "elu", "ELU",
    _elu_forward, _elu_local,
    "elu({a})", ("1 if a > 0 else {alpha} exp(a)",),
    family=("alpha",), defaults={"alpha": 1.0},
    function="elu", doc="x for x > 0, else alpha (e^x - 1); d/dx = 1 or alpha e^x (alpha e^0 at x = 0).",
)

# ----- Functions of any number of inputs (one node, n parents) -----
SUM = Op(
    "sum", "Σ",
    lambda m, *a: sum(a[1:], a[0]),
    lambda m, out, *a: (1.0,) * len(a),
    "{terms}", ("1",), arity=None, term="{a}", precedence=1, reducer=np.add,
    function="sum",
    doc="x1 + x2 + ... + xn as ONE node with n parents (as the lecture draws a neuron); d/dxi = 1.",
)
LOGSUMEXP = Op(
    "logsumexp", "logΣexp",
    _logsumexp_forward, _logsumexp_local,
    "log({terms})", ("exp({a} - out) = softmax(a){i}",), arity=None, term="exp({a})",
    function="logsumexp",
    doc="log(e^x1 + ... + e^xn) as ONE node, stable for any finite inputs; d/dxi = softmax(x)i.",
)

TABLE = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, POWC, NEG, ABS, EXP, LOG, SQRT, SIN, COS, ATAN, TANH,
               SIGMOID, RELU, LEAKY_RELU, SOFTPLUS, ELU, SUM, LOGSUMEXP)
}
"""Every op by name."""
# fmt: on
