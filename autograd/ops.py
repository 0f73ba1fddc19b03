"""The op table: every operation of the engine, defined once.

An entry says everything the rest of the project needs to know about an op:

- ``forward(m, a, b, ...)``: the output from the inputs,
- ``local(m, out, a, b, ...)``: the local derivatives d out / d input, one per input,
- ``formula`` and ``rules``: the same two things as text, for pictures and ledgers,
- ``valid(a, b, ...)`` and ``domain``: where the op is defined, and that rule in words.

``m`` is a namespace of maths primitives (see ``autograd.mathspaces``): the scalar
backward pass hands the rules floats, ``backward(create_graph=True)`` hands them Values
and the batch tape numpy arrays, so each derivative is written in exactly one place.
The ``valid`` predicates use ``&`` and ``|`` so that they work on floats and arrays alike.

Ops with a setting (``a ** 3``, ``leaky_relu(a, slope=0.1)``, ``elu(a, alpha=2)``) are
families: ``POWC.bind(k=3)`` gives the op with the setting filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

EXP_LIMIT = 709.782712893384  # the largest a with exp(a) finite in float64


@dataclass(frozen=True, eq=False)
class Op:
    """One entry of the op table."""

    name: str
    symbol: str  # what a graph picture writes in the op's node
    forward: object
    local: object
    formula: str  # the output in terms of the inputs a, b, ...
    rules: tuple  # the text of each local derivative, in terms of a, b, out
    arity: int | None = 1  # None: any number of inputs (sum)
    valid: object = None  # a family's valid takes the settings and returns the predicate
    domain: str = ""
    params: dict = field(default_factory=dict)
    family: tuple = ()  # names of the settings a family entry still needs

    def bind(self, **params) -> Op:
        """The op with its settings filled in (cached: one Op per setting)."""
        key = (self.name, *params.items())
        bound = _BOUND.get(key)
        if bound is None:
            if set(params) != set(self.family):
                raise TypeError(f"{self.name} needs the settings {self.family}, got {sorted(params)}")
            bound = _BOUND[key] = replace(
                self,
                forward=partial(self.forward, **params),
                local=partial(self.local, **params),
                valid=self.valid(**params) if self.valid else None,
                formula=self.formula.format(**params),
                rules=tuple(r.format(**params) for r in self.rules),
                symbol=self.symbol.format(**params),
                domain=self.domain.format(**params),
                params=dict(params),
                family=(),
            )
        return bound

    def input_names(self, n: int) -> list[str]:
        """The names the formula and rules use for n inputs: a, b (or a1 ... an for sum)."""
        if self.arity is None:
            return [f"a{i + 1}" for i in range(n)]
        return ["a", "b"][:n]

    def rule_text(self, i: int, n: int | None = None) -> str:
        """The chain-rule text of input i, e.g. 'd sin(a)/da = cos(a)'.

        n-ary ops (sum, logsumexp) write their rule for a general input ai; n is the
        number of inputs, and ai becomes the name of input i.
        """
        names = self.input_names(n if n is not None else (self.arity or i + 1))
        if self.arity is not None:
            return f"d {self.formula}/d{names[i]} = {self.rules[i]}"
        rule = self.rules[0].replace("ai", names[i]).replace("a)i", f"a){i + 1}")
        return f"d ({self.formula})/d{names[i]} = {rule}"


_BOUND: dict = {}


def _powc_valid(k):
    """Where a ** k is defined, decided once per exponent k (None: everywhere)."""
    if k >= 0 and k == int(k):
        return None
    if k == int(k):
        return lambda a: a != 0  # 0 to a negative power is 1/0
    if k > 0:
        return lambda a: a >= 0  # a negative base to a non-integer power is complex
    return lambda a: a > 0


def _leaky_forward(m, a, slope):
    return m.maximum(a, 0.0) + slope * m.minimum(a, 0.0)


def _leaky_local(m, out, a, slope):
    s = m.step(a)
    return (s + slope * (1.0 - s),)


def _elu_forward(m, a, alpha):
    return m.maximum(a, 0.0) + alpha * m.expm1(m.minimum(a, 0.0))


def _elu_local(m, out, a, alpha):
    # For a <= 0, out = alpha (e^a - 1), so d out/da = alpha e^a = out + alpha.
    s = m.step(a)
    return (s + (1.0 - s) * (out + alpha),)


def _logsumexp_forward(m, *a):
    # Shifting by the largest input keeps every exp <= 1: no overflow for any finite input.
    top = a[0]
    for ai in a[1:]:
        top = m.maximum(top, ai)
    return top + m.log(sum(m.exp(ai - top) for ai in a))


# fmt: off
ADD = Op(
    "add", "+",
    lambda m, a, b: a + b,
    lambda m, out, a, b: (1.0, 1.0),
    "a + b", ("1", "1"), arity=2,
)
SUB = Op(
    "sub", "−",
    lambda m, a, b: a - b,
    lambda m, out, a, b: (1.0, -1.0),
    "a - b", ("1", "-1"), arity=2,
)
MUL = Op(
    "mul", "×",
    lambda m, a, b: a * b,
    lambda m, out, a, b: (b, a),
    "a * b", ("b", "a"), arity=2,
)
DIV = Op(
    "div", "÷",
    lambda m, a, b: a / b,
    lambda m, out, a, b: (1.0 / b, -out / b),
    "a / b", ("1/b", "-a/b² = -out/b"), arity=2,
    valid=lambda a, b: b != 0, domain="a / b needs b ≠ 0",
)
POW = Op(
    "pow", "^",
    lambda m, a, b: a**b,
    lambda m, out, a, b: (b * a ** (b - 1.0), out * m.log(a)),
    "a ** b", ("b * a ** (b - 1)", "a ** b * log(a)"), arity=2,
    valid=lambda a, b: a > 0, domain="a ** b with a Value exponent b needs a base a > 0",
)
POWC = Op(
    "powc", "^{k}",
    lambda m, a, k: a**k,
    # k = 0: a ** 0 is the constant 1, so 0 (k * a ** -1 would divide by zero at a = 0).
    lambda m, out, a, k: (k * a ** (k - 1) if k != 0 else 0.0,),
    "a ** {k}", ("{k} * a ** ({k} - 1)",),
    valid=_powc_valid,
    domain="a ** {k} needs a ≠ 0 for a negative power and a ≥ 0 for a non-integer power",
    family=("k",),
)
NEG = Op(
    "neg", "−",
    lambda m, a: -a,
    lambda m, out, a: (-1.0,),
    "-a", ("-1",),
)
ABS = Op(
    "abs", "abs",
    lambda m, a: m.abs(a),
    lambda m, out, a: (m.sign(a),),
    "abs(a)", ("sign(a) (0 at a = 0)",),
)
EXP = Op(
    "exp", "exp",
    lambda m, a: m.exp(a),
    lambda m, out, a: (out,),
    "exp(a)", ("exp(a) = out",),
    valid=lambda a: a <= EXP_LIMIT, domain=f"exp(a) overflows a float for a > {EXP_LIMIT:.2f}",
)
LOG = Op(
    "log", "log",
    lambda m, a: m.log(a),
    lambda m, out, a: (1.0 / a,),
    "log(a)", ("1/a",),
    valid=lambda a: a > 0, domain="log(a) needs a > 0",
)
SQRT = Op(
    "sqrt", "sqrt",
    lambda m, a: m.sqrt(a),
    lambda m, out, a: (0.5 / out,),
    "sqrt(a)", ("1/(2 sqrt(a)) = 0.5/out",),
    valid=lambda a: a >= 0, domain="sqrt(a) needs a ≥ 0",
)
SIN = Op(
    "sin", "sin",
    lambda m, a: m.sin(a),
    lambda m, out, a: (m.cos(a),),
    "sin(a)", ("cos(a)",),
)
COS = Op(
    "cos", "cos",
    lambda m, a: m.cos(a),
    lambda m, out, a: (-m.sin(a),),
    "cos(a)", ("-sin(a)",),
)
TANH = Op(
    "tanh", "tanh",
    lambda m, a: m.tanh(a),
    lambda m, out, a: (1.0 - out * out,),
    "tanh(a)", ("1 - tanh(a)² = 1 - out²",),
)
SIGMOID = Op(
    "sigmoid", "σ",
    lambda m, a: m.sigmoid(a),
    # σ(a)σ(-a) equals out (1 - out) but keeps its digits where σ saturates: at a = 30,
    # 1 - out would cancel to 3 significant digits (the vanishing gradient's true size).
    lambda m, out, a: (out * m.sigmoid(-a),),
    "sigmoid(a)", ("σ(a)σ(-a) = out (1 - out)",),
)
RELU = Op(
    "relu", "ReLU",
    lambda m, a: m.maximum(a, 0.0),
    lambda m, out, a: (m.step(a),),
    "relu(a)", ("1 if a > 0 else 0",),
)
LEAKY_RELU = Op(
    "leaky_relu", "LReLU",
    _leaky_forward, _leaky_local,
    "leaky_relu(a)", ("1 if a > 0 else {slope}",),
    family=("slope",),
)
SOFTPLUS = Op(
    "softplus", "softplus",
    lambda m, a: m.softplus(a),
    lambda m, out, a: (m.sigmoid(a),),
    "softplus(a)", ("σ(a)",),
)
ELU = Op(
    "elu", "ELU",
    _elu_forward, _elu_local,
    "elu(a)", ("1 if a > 0 else {alpha} exp(a) = out + {alpha}",),
    family=("alpha",),
)
SUM = Op(
    "sum", "Σ",
    lambda m, *a: sum(a[1:], a[0]),
    lambda m, out, *a: (1.0,) * len(a),
    "a1 + ... + an", ("1",), arity=None,
)
LOGSUMEXP = Op(
    "logsumexp", "logΣexp",
    _logsumexp_forward,
    lambda m, out, *a: tuple(m.exp(ai - out) for ai in a),
    "log(exp(a1) + ... + exp(an))", ("exp(ai - out) = softmax(a)i",), arity=None,
)

TABLE = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, POWC, NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH,
               SIGMOID, RELU, LEAKY_RELU, SOFTPLUS, ELU, SUM, LOGSUMEXP)
}
"""Every op by name."""
# fmt: on
