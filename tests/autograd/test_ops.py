"""Every op of the table against its hand-derived derivative and against finite differences.

Each derivative below is written by hand with ``math`` (not read from the op table), so a
wrong rule in the table cannot agree with itself. ``autograd.gradcheck`` then compares the
engine with central differences at the same points.
"""

import math

import pytest

import autograd as ag
from autograd import TABLE, Constant, Value


def sig(a):
    """The logistic function by its definition, for moderate a."""
    return 1.0 / (1.0 + math.exp(-a))


# name, build from Values, forward by hand, derivative by hand, points away from any kink.
UNARY = [
    ("neg", lambda x: -x, lambda a: -a, lambda a: -1.0, [-1.5, 0.3, 2.0]),
    ("abs", lambda x: abs(x), abs, lambda a: math.copysign(1.0, a), [-1.5, 0.3, 2.0]),
    ("exp", ag.exp, math.exp, math.exp, [-2.0, 0.1, 3.0]),
    ("log", ag.log, math.log, lambda a: 1.0 / a, [0.2, 1.0, 5.0]),
    ("sqrt", ag.sqrt, math.sqrt, lambda a: 1.0 / (2.0 * math.sqrt(a)), [0.04, 1.0, 9.0]),
    ("sin", ag.sin, math.sin, math.cos, [-2.0, 0.0, 1.3]),
    ("cos", ag.cos, math.cos, lambda a: -math.sin(a), [-2.0, 0.0, 1.3]),
    ("tanh", ag.tanh, math.tanh, lambda a: 1.0 - math.tanh(a) ** 2, [-2.0, 0.0, 0.7]),
    ("sigmoid", ag.sigmoid, sig, lambda a: sig(a) * (1.0 - sig(a)), [-3.0, 0.0, 2.5]),
    ("relu", ag.relu, lambda a: max(a, 0.0), lambda a: 1.0 if a > 0 else 0.0, [-1.2, 0.5, 3.0]),
    (
        "leaky_relu",
        ag.leaky_relu,  # default slope 0.01
        lambda a: a if a > 0 else 0.01 * a,
        lambda a: 1.0 if a > 0 else 0.01,
        [-1.2, 0.5],
    ),
    (
        "leaky_relu",
        lambda x: ag.leaky_relu(x, slope=0.2),
        lambda a: a if a > 0 else 0.2 * a,
        lambda a: 1.0 if a > 0 else 0.2,
        [-1.2, 0.5],
    ),
    ("softplus", ag.softplus, lambda a: math.log(1.0 + math.exp(a)), sig, [-3.0, 0.0, 2.0]),
    (
        "elu",
        ag.elu,  # default alpha 1.0
        lambda a: a if a > 0 else math.exp(a) - 1.0,
        lambda a: 1.0 if a > 0 else math.exp(a),
        [-1.5, 0.4],
    ),
    (
        "elu",
        lambda x: ag.elu(x, alpha=2.0),
        lambda a: a if a > 0 else 2.0 * (math.exp(a) - 1.0),
        lambda a: 1.0 if a > 0 else 2.0 * math.exp(a),
        [-1.5, 0.4],
    ),
    ("powc", lambda x: x**2, lambda a: a * a, lambda a: 2.0 * a, [-1.5, 0.5, 2.0]),
    ("powc", lambda x: x**3, lambda a: a**3, lambda a: 3.0 * a * a, [-1.5, 0.5, 2.0]),
    ("powc", lambda x: x**-1, lambda a: 1.0 / a, lambda a: -1.0 / (a * a), [-2.0, 0.5, 3.0]),
    ("powc", lambda x: x**0.5, math.sqrt, lambda a: 0.5 / math.sqrt(a), [0.25, 4.0]),
    ("powc", lambda x: x**-1.5, lambda a: a**-1.5, lambda a: -1.5 * a**-2.5, [0.25, 4.0]),
    ("powc", lambda x: x**0, lambda a: 1.0, lambda a: 0.0, [-2.0, 0.5]),
]

# name, build from two Values, forward by hand, (d/da, d/db) by hand, points (a, b).
BINARY = [
    ("add", lambda x, y: x + y, lambda a, b: a + b, lambda a, b: (1.0, 1.0), [(0.5, -2.0), (3.0, 1.5)]),
    ("sub", lambda x, y: x - y, lambda a, b: a - b, lambda a, b: (1.0, -1.0), [(0.5, -2.0), (3.0, 1.5)]),
    ("mul", lambda x, y: x * y, lambda a, b: a * b, lambda a, b: (b, a), [(0.5, -2.0), (3.0, 1.5)]),
    (
        "div",
        lambda x, y: x / y,
        lambda a, b: a / b,
        lambda a, b: (1.0 / b, -a / (b * b)),
        [(0.5, -2.0), (3.0, 1.5), (-1.0, 0.25)],
    ),
    (
        "pow",
        lambda x, y: x**y,
        lambda a, b: a**b,
        lambda a, b: (b * a ** (b - 1.0), a**b * math.log(a)),
        [(0.5, 2.0), (2.0, -1.5), (1.3, 0.0), (3.0, 0.5)],
    ),
]


def softmax(values):
    total = sum(math.exp(v) for v in values)
    return [math.exp(v) / total for v in values]


# n-ary ops: name, build from a list of Values, forward by hand, gradient list by hand.
NARY = [
    ("sum", ag.sum, sum, lambda values: [1.0] * len(values)),
    ("logsumexp", ag.logsumexp, lambda values: math.log(sum(math.exp(v) for v in values)), softmax),
]
NARY_POINTS = [[0.7], [0.5, -1.0], [-1.0, -0.5, 0.0, 0.5, 1.0]]


def _unary_cases():
    for name, build, f, df, points in UNARY:
        for a in points:
            yield pytest.param(name, build, f, df, a, id=f"{name}-{a}")


UNARY_CASES = list(_unary_cases())


def _binary_cases():
    for name, build, f, df, points in BINARY:
        for a, b in points:
            yield pytest.param(name, build, f, df, a, b, id=f"{name}-{a}-{b}")


BINARY_CASES = list(_binary_cases())


def test_every_op_in_the_table_has_hand_derived_cases_here():
    covered = {case[0] for case in UNARY} | {case[0] for case in BINARY} | {case[0] for case in NARY}
    assert covered == set(TABLE)


@pytest.mark.parametrize("name, build, f, df, a", UNARY_CASES)
def test_unary_op_value_and_gradient_match_the_hand_derived_formula(name, build, f, df, a):
    x = Value(a, label="x")
    y = build(x)
    assert y.op == name
    assert y.data == pytest.approx(f(a), rel=1e-12, abs=1e-15)
    y.backward()
    assert x.grad == pytest.approx(df(a), rel=1e-12, abs=1e-15)
    assert y.local_grads() == pytest.approx((df(a),), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name, build, f, df, a", UNARY_CASES)
def test_unary_op_passes_gradcheck(name, build, f, df, a):
    assert ag.gradcheck(build, [a])


@pytest.mark.parametrize("name, build, f, df, a, b", BINARY_CASES)
def test_binary_op_value_and_gradients_match_the_hand_derived_formula(name, build, f, df, a, b):
    x, y = Value(a, label="x"), Value(b, label="y")
    z = build(x, y)
    assert z.op == name
    assert z.parents == (x, y)
    assert z.data == pytest.approx(f(a, b), rel=1e-12)
    z.backward()
    assert (x.grad, y.grad) == pytest.approx(df(a, b), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name, build, f, df, a, b", BINARY_CASES)
def test_binary_op_passes_gradcheck(name, build, f, df, a, b):
    assert ag.gradcheck(build, [a, b])


@pytest.mark.parametrize("name, build, f, df", NARY, ids=[case[0] for case in NARY])
@pytest.mark.parametrize("values", NARY_POINTS, ids=len)
def test_n_ary_op_is_one_node_with_the_hand_derived_value_and_gradients(name, build, f, df, values):
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(values)]
    y = build(xs)
    assert y.op == name
    assert y.parents == tuple(xs)
    assert y.data == pytest.approx(f(values), rel=1e-14)
    y.backward()
    assert [x.grad for x in xs] == pytest.approx(df(values), rel=1e-12)
    assert ag.gradcheck(lambda *v: build(v), values)


def test_sum_of_a_repeated_operand_counts_each_edge():
    a, b = Value(2.0), Value(3.0)
    s = ag.sum([a, b, a])
    assert s.parents == (a, b, a)
    s.backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


def test_rule_text_reads_the_rule_from_the_table():
    assert TABLE["sin"].rule_text(0) == "d sin(a)/da = cos(a)"
    assert TABLE["div"].rule_text(1) == "d a / b/db = -a/b² = -out/b"
    assert TABLE["sum"].rule_text(2, 3) == "d (a1 + ... + an)/da3 = 1"
    assert (
        TABLE["logsumexp"].rule_text(1, 3)
        == "d (log(exp(a1) + ... + exp(an)))/da2 = exp(a2 - out) = softmax(a)2"
    )


# Edge points: where a derivative is a choice, or where a naive formula overflows.


def test_relu_at_zero_has_subgradient_zero():
    x = Value(0.0)
    y = ag.relu(x)
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)


def test_abs_at_zero_has_subgradient_zero():
    x = Value(0.0)
    y = abs(x)
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)


@pytest.mark.parametrize("slope", [0.01, 0.2])
def test_leaky_relu_at_zero_takes_the_left_slope(slope):
    x = Value(0.0)
    y = ag.leaky_relu(x, slope=slope)
    y.backward()
    assert (y.data, x.grad) == (0.0, slope)


@pytest.mark.parametrize("alpha", [1.0, 2.0])
def test_elu_at_zero_takes_the_left_derivative_alpha_times_e_to_the_zero(alpha):
    x = Value(0.0)
    y = ag.elu(x, alpha=alpha)
    y.backward()
    assert (y.data, x.grad) == (0.0, alpha * math.exp(0.0))


def test_x_to_the_power_zero_has_derivative_zero_even_at_zero():
    x = Value(0.0)
    y = x**0
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


@pytest.mark.parametrize(
    "fn, a, value, slope",
    [
        (ag.sigmoid, 1000.0, 1.0, 0.0),
        (ag.sigmoid, -1000.0, 0.0, 0.0),
        (ag.tanh, 1000.0, 1.0, 0.0),
        (ag.tanh, -1000.0, -1.0, 0.0),
        (ag.softplus, 1000.0, 1000.0, 1.0),
        (ag.softplus, -1000.0, 0.0, 0.0),
        (ag.elu, -1000.0, -1.0, 0.0),
    ],
    ids=lambda p: getattr(p, "__name__", repr(p)),
)
def test_saturating_ops_are_finite_with_a_finite_gradient_far_out(fn, a, value, slope):
    x = Value(a)
    y = fn(x)
    y.backward()
    assert y.data == value
    assert x.grad == slope


def test_sigmoid_stays_accurate_just_before_it_saturates():
    # s(1 - s) with s = 1 / (1 + e^-30) is e^-30 / (1 + e^-30)^2 in a form without cancellation.
    # The table's out (1 - out) keeps about 3 digits here: 1 - out cancels 13 of the 16.
    x = Value(30.0)
    ag.sigmoid(x).backward()
    assert x.grad == pytest.approx(math.exp(-30.0) / (1.0 + math.exp(-30.0)) ** 2, rel=1e-3)


def test_logsumexp_of_two_equal_large_numbers_is_finite_and_exact():
    a, b = Value(1000.0), Value(1000.0)
    y = ag.logsumexp([a, b])
    y.backward()
    # log(e^1000 + e^1000) = 1000 + log 2; the gradient is softmax = (1/2, 1/2).
    assert y.data == pytest.approx(1000.0 + math.log(2.0), rel=1e-15)
    assert (a.grad, b.grad) == pytest.approx((0.5, 0.5), rel=1e-12)


def test_logsumexp_of_two_very_negative_numbers_does_not_underflow_to_log_zero():
    a, b = Value(-1000.0), Value(-1000.0)
    y = ag.logsumexp([a, b])
    y.backward()
    assert y.data == pytest.approx(-1000.0 + math.log(2.0), rel=1e-15)
    assert (a.grad, b.grad) == pytest.approx((0.5, 0.5), rel=1e-12)


# Operators with plain numbers on either side, and functions of plain numbers.


@pytest.mark.parametrize(
    "build, f, df",
    [
        (lambda x: x + 2, lambda a: a + 2, lambda a: 1.0),
        (lambda x: 2 + x, lambda a: 2 + a, lambda a: 1.0),
        (lambda x: x - 2, lambda a: a - 2, lambda a: 1.0),
        (lambda x: 2 - x, lambda a: 2 - a, lambda a: -1.0),
        (lambda x: x * 2, lambda a: a * 2, lambda a: 2.0),
        (lambda x: 2.5 * x, lambda a: 2.5 * a, lambda a: 2.5),
        (lambda x: x / 2, lambda a: a / 2, lambda a: 0.5),
        (lambda x: 2 / x, lambda a: 2 / a, lambda a: -2 / a**2),
        (lambda x: x**2, lambda a: a**2, lambda a: 2 * a),
        (lambda x: 2**x, lambda a: 2**a, lambda a: 2**a * math.log(2)),
        (lambda x: -x, lambda a: -a, lambda a: -1.0),
        (lambda x: abs(x), abs, lambda a: math.copysign(1.0, a)),
    ],
    ids=["x+2", "2+x", "x-2", "2-x", "x*2", "2.5*x", "x/2", "2/x", "x**2", "2**x", "-x", "abs(x)"],
)
@pytest.mark.parametrize("a", [-1.5, 0.75])
def test_operators_accept_plain_numbers_on_either_side(build, f, df, a):
    x = Value(a)
    y = build(x)
    assert isinstance(y, Value)
    assert y.data == pytest.approx(f(a), rel=1e-14)
    y.backward()
    assert x.grad == pytest.approx(df(a), rel=1e-14)


def test_a_plain_number_operand_becomes_a_constant_leaf():
    x = Value(1.5)
    y = 2 - x
    c = y.parents[0]
    assert isinstance(c, Constant)
    assert (c.data, c.is_leaf, c.op) == (2.0, True, "")
    assert y.parents[1] is x


def test_value_to_a_value_power_differentiates_both():
    x, y = Value(1.5), Value(2.5)
    z = x**y
    z.backward()
    assert z.op == "pow"
    assert x.grad == pytest.approx(2.5 * 1.5**1.5, rel=1e-14)
    assert y.grad == pytest.approx(1.5**2.5 * math.log(1.5), rel=1e-14)


def test_two_to_the_x_is_a_pow_node_with_a_constant_base():
    x = Value(0.5)
    y = 2**x
    assert y.op == "pow"
    assert isinstance(y.parents[0], Constant) and y.parents[0].data == 2.0


FUNCTIONS = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": sig,
    "relu": lambda a: max(a, 0.0),
    "leaky_relu": lambda a: a,
    "softplus": lambda a: math.log1p(math.exp(a)),
    "elu": lambda a: a,
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_module_functions_accept_plain_numbers_and_return_a_value(name):
    y = getattr(ag, name)(2.0)
    assert isinstance(y, Value)
    assert y.op == name
    assert y.data == pytest.approx(FUNCTIONS[name](2.0), rel=1e-14)
    assert isinstance(y.parents[0], Constant) and y.parents[0].data == 2.0


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_module_functions_and_methods_build_the_same_node(name):
    x = Value(0.7)
    by_function = getattr(ag, name)(x)
    by_method = getattr(x, name)()
    assert by_function.op_entry is by_method.op_entry
    assert by_function.parents == by_method.parents == (x,)
    assert by_function.data == by_method.data


def test_sum_accepts_plain_numbers_among_values():
    x = Value(1.5)
    s = ag.sum([1, x, 2.5])
    assert (s.data, len(s.parents)) == (5.0, 3)
    s.backward()
    assert x.grad == 1.0


def test_repr_shows_data_grad_label_and_op():
    x = Value(2.0, label="x")
    y = x * 3
    assert repr(x) == "Value(data=2, grad=0, label='x')"
    assert repr(y) == "Value(data=6, grad=0, op='mul')"
