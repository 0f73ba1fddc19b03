"""Every op of the table against its hand-derived derivative and against finite differences.

The cases come from the shared table ``op_cases.py``: each derivative there is written by
hand with ``math`` (not read from the op table), so a wrong rule in the table cannot agree
with itself. ``autograd.gradcheck`` then compares the engine with central differences at
the same points.
"""

import math

import pytest
from op_cases import ROWS

import autograd as ag
from autograd import TABLE, Constant, Value


def _cases(arity):
    """(name, build, value, derivative, point) for every hand-checked point of the ops with this arity."""
    for row in ROWS.values():
        if row.arity == arity:
            for case in row.cases:
                for point in case.points:
                    yield row.name, case.build, case.value, case.derivative, point


UNARY_CASES = [pytest.param(*c, id=f"{c[0]}-{c[-1]}") for c in _cases(1)]
BINARY_CASES = [pytest.param(n, b, f, df, *p, id=f"{n}-{p[0]}-{p[1]}") for n, b, f, df, p in _cases(2)]
NARY_CASES = [pytest.param(*c, id=f"{c[0]}-{len(c[-1])}") for c in _cases(None)]


def test_every_op_in_the_table_has_a_row_of_hand_derived_cases():
    assert set(ROWS) == set(TABLE)
    assert all(row.cases and row.arity == TABLE[row.name].arity for row in ROWS.values())


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


@pytest.mark.parametrize("name, build, f, df, values", NARY_CASES)
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
    assert TABLE["div"].rule_text(1) == "d (a / b)/db = -a/b² = -out/b"
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


# Every one-input function of the table, with its value by hand (the row's first case).
FUNCTIONS = {
    TABLE[row.name].function: row.cases[0].value
    for row in ROWS.values()
    if row.arity == 1 and TABLE[row.name].function
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
    assert by_function.made_by is by_method.made_by
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


def test_the_tables_templates_write_an_op_with_any_operand_texts():
    assert TABLE["mul"].write(["x", "2"]) == "x * 2"
    assert TABLE["sin"].write(["w1 * x"]) == "sin(w1 * x)"
    assert TABLE["powc"].bind(k=3).write(["x"]) == "x ** 3" and TABLE["powc"].bind(k=3).formula == "a ** 3"
    assert TABLE["logsumexp"].write(["x1", None, "x9"]) == "log(exp(x1) + … + exp(x9))"
    assert TABLE["sum"].write(["x", "y", "z"]) == "x + y + z"
    # Where the template brackets an input itself, a negative number there needs none: exp(-3), 2 * (-3).
    assert TABLE["exp"].bracketed(0) and TABLE["logsumexp"].bracketed(2)
    assert not TABLE["mul"].bracketed(1) and not TABLE["sum"].bracketed(0)
