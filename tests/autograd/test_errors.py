"""Bad input gets a clear error: the op, the operand values and their labels; nothing goes on with NaN."""

import math
import operator

import pytest

import autograd as ag
from autograd import DomainError, Value


def domain_error_message(make) -> str:
    with pytest.raises(DomainError) as caught:
        make()
    return str(caught.value)


def test_domain_error_is_a_value_error():
    assert issubclass(DomainError, ValueError)
    with pytest.raises(ValueError):
        ag.log(-1.0)


@pytest.mark.parametrize("a", [-1.0, 0.0])
def test_log_of_a_non_positive_number_names_log_the_operand_and_its_label(a):
    message = domain_error_message(lambda: ag.log(Value(a, label="x")))
    assert message == f"log: log(a) needs a > 0; got a = {a!r} ('x')"


def test_sqrt_of_a_negative_number_names_sqrt_the_operand_and_its_label():
    message = domain_error_message(lambda: ag.sqrt(Value(-4.0, label="var")))
    assert message == "sqrt: sqrt(a) needs a ≥ 0; got a = -4.0 ('var')"


def test_division_by_zero_names_div_both_operands_and_their_labels():
    message = domain_error_message(lambda: Value(1.0, label="num") / Value(0.0, label="den"))
    assert message == "div: a / b needs b ≠ 0; got a = 1.0 ('num'), b = 0.0 ('den')"


def test_division_of_a_plain_number_by_zero_names_the_unlabelled_operands():
    message = domain_error_message(lambda: 1 / Value(0.0))
    assert message == "div: a / b needs b ≠ 0; got a = 1.0, b = 0.0"


def test_zero_to_a_negative_power_names_powc_the_power_and_the_label():
    message = domain_error_message(lambda: Value(0.0, label="z") ** -1)
    assert message.startswith("powc: a ** -1 needs a ≠ 0 for a negative power")
    assert message.endswith("got a = 0.0 ('z')")


def test_negative_base_to_a_non_integer_power_names_powc_the_power_and_the_label():
    message = domain_error_message(lambda: Value(-8.0, label="base") ** 0.5)
    assert message.startswith("powc: a ** 0.5 needs")
    assert "a ≥ 0 for a non-integer power" in message
    assert message.endswith("got a = -8.0 ('base')")


def test_negative_base_to_an_integer_power_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


@pytest.mark.parametrize("base", [-2.0, 0.0])
def test_value_power_of_a_non_positive_base_names_pow_both_operands_and_labels(base):
    message = domain_error_message(lambda: Value(base, label="b") ** Value(3.0, label="e"))
    assert message == (
        f"pow: a ** b with a Value exponent b needs a base a > 0; got a = {base!r} ('b'), b = 3.0 ('e')"
    )


def test_zero_to_a_negative_value_power_is_a_domain_error():
    message = domain_error_message(lambda: 0 ** Value(-1.0, label="k"))
    assert message.startswith("pow: ")
    assert message.endswith("got a = 0.0, b = -1.0 ('k')")


def test_exp_overflow_names_exp_the_limit_and_the_operand():
    message = domain_error_message(lambda: ag.exp(Value(1000.0, label="logit")))
    assert message == "exp: exp(a) overflows a float for a > 709.78; got a = 1000.0 ('logit')"


def test_exp_just_below_the_limit_is_finite():
    assert math.isfinite(ag.exp(709.0).data)


@pytest.mark.parametrize(
    "op, a, b",
    [("add", 1.5e308, 1e308), ("sub", 1.5e308, -1e308), ("mul", 1e200, 1e200), ("div", 1e200, 1e-200)],
)
def test_float_overflow_of_an_arithmetic_op_is_a_domain_error_naming_the_op(op, a, b):
    x, y = Value(a, label="p"), Value(b, label="q")
    message = domain_error_message(lambda: getattr(operator, op.replace("div", "truediv"))(x, y))
    formula = ag.TABLE[op].formula
    assert message == f"{op}: {formula} overflows a float; got a = {a!r} ('p'), b = {b!r} ('q')"


def test_powc_overflow_is_a_domain_error():
    message = domain_error_message(lambda: Value(1e200, label="x") ** 2)
    assert message == "powc: a ** 2 overflows a float; got a = 1e+200 ('x')"


def test_infinite_derivative_of_sqrt_at_zero_is_raised_by_backward_naming_sqrt():
    r = Value(0.0, label="r")
    y = ag.sqrt(r)
    assert y.data == 0.0
    message = domain_error_message(y.backward)
    assert message == "sqrt: the derivative of sqrt(a) is infinite here; got a = 0.0 ('r')"


def test_infinite_derivative_of_sqrt_at_zero_is_raised_by_grad_too():
    r = Value(0.0, label="r")
    message = domain_error_message(lambda: ag.grad(ag.sqrt(r), r))
    assert message.startswith("sqrt: the derivative of sqrt(a) is infinite here")
    assert r.grad == 0.0


def test_infinite_derivative_of_sqrt_at_zero_is_a_domain_error_with_create_graph():
    r = Value(0.0, label="r")
    with pytest.raises(DomainError):
        ag.grad(ag.sqrt(r), r, create_graph=True)


def test_a_gradient_that_overflows_a_float_is_a_domain_error_not_inf():
    x = Value(1.0, label="x")
    y = ag.sin(x * 1e300) * 1e300  # finite, but dy/dx = 1e600 cos(1e300) is not
    message = domain_error_message(y.backward)
    assert message.startswith("the gradient overflowed: Value(data=1, grad=")
    assert "label='x'" in message


@pytest.mark.parametrize("data, kind", [("3", "str"), (None, "NoneType"), ([1.0], "list"), (True, "bool")])
def test_value_of_a_non_number_is_a_type_error_saying_what_came(data, kind):
    with pytest.raises(TypeError) as caught:
        Value(data)
    assert str(caught.value) == f"Value needs a real number, got {kind} {data!r}"


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_value_of_nan_or_infinity_is_a_value_error(data):
    with pytest.raises(ValueError) as caught:
        Value(data)
    assert str(caught.value) == f"Value needs a finite number, got {data!r}"


def test_parameter_errors_name_the_parameter_class():
    with pytest.raises(TypeError, match="^Parameter needs a real number, got str 'w'$"):
        ag.Parameter("w")


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="^label needs a str, got int 3$"):
        Value(1.0, label=3)


@pytest.mark.parametrize("other", ["a", None, [1.0], True])
def test_operators_with_a_non_number_are_type_errors(other):
    x = Value(1.0)
    for combine in (lambda: x + other, lambda: other * x, lambda: x - other, lambda: x**other):
        with pytest.raises(TypeError):
            combine()


@pytest.mark.parametrize("other", [math.nan, math.inf])
def test_operators_with_nan_or_infinity_are_value_errors(other):
    x = Value(1.0)
    for combine in (lambda: x + other, lambda: other * x, lambda: x / other, lambda: x**other):
        with pytest.raises(ValueError, match="finite number"):
            combine()


def test_function_settings_must_be_numbers():
    with pytest.raises(TypeError, match="^slope needs a real number, got str 'steep'$"):
        ag.leaky_relu(Value(1.0), slope="steep")
    with pytest.raises(ValueError, match="^alpha needs a finite number, got nan$"):
        ag.elu(Value(1.0), alpha=math.nan)


def test_apply_checks_arity_and_settings():
    x = Value(1.0)
    with pytest.raises(TypeError, match="^add takes 2 operand\\(s\\), got 1$"):
        ag.apply(ag.TABLE["add"], x)
    with pytest.raises(TypeError, match="^leaky_relu needs its settings first"):
        ag.apply(ag.TABLE["leaky_relu"], x)
    with pytest.raises(ValueError, match="^sum needs at least one operand$"):
        ag.sum([])


def test_logsumexp_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match="^logsumexp needs at least one operand$"):
        ag.logsumexp([])


def test_grad_and_topological_order_need_values():
    x = Value(1.0)
    with pytest.raises(TypeError, match="^grad needs a Value as output, got float$"):
        ag.grad(2.0, x)
    with pytest.raises(TypeError, match="^grad needs Values as inputs, got float 2.0$"):
        ag.grad(x * 2, [2.0])
    with pytest.raises(TypeError, match="^expected a Value, got int$"):
        ag.topological_order(3)


def test_scope_needs_a_name():
    with pytest.raises(ValueError, match="non-empty name"), ag.scope(""):
        pass


def test_gradcheck_rejects_a_function_that_does_not_return_a_value():
    with pytest.raises(TypeError, match="^gradcheck needs fn to return a Value, got float$"):
        ag.gradcheck(lambda x: 1.0, [0.5])
    with pytest.raises(ValueError, match="at least one input"):
        ag.gradcheck(lambda: Value(1.0), [])


def test_an_n_ary_op_outside_its_domain_is_a_domain_error_naming_the_op_and_operands():
    log_of_sum = ag.Op(
        "log_of_sum",
        "logΣ",
        lambda m, *a: m.log(sum(a)),
        lambda m, out, *a: tuple(1.0 / sum(a) for _ in a),
        "log(a1 + ... + an)",
        ("1 / (a1 + ... + an)",),
        arity=None,
        valid=lambda *a: sum(a) > 0,
        domain="log(a1 + ... + an) needs a positive sum",
    )
    with pytest.raises(DomainError, match=r"log_of_sum: .*needs a positive sum; got .*-1\.0 \('x'\)"):
        ag.apply(log_of_sum, Value(-1.0, label="x"), 0.5, 0.25)
    assert ag.apply(log_of_sum, 1.0, 1.0).data == pytest.approx(math.log(2.0))


# Non-finite numbers: a DomainError (a ValueError) naming the op they were given to.

NOT_FINITE = [
    (lambda x: x * math.nan, "mul: a * b needs a finite number as b, got nan"),
    (lambda x: math.nan * x, "mul: a * b needs a finite number as a, got nan"),
    (lambda x: x + math.inf, "add: a + b needs a finite number as b, got inf"),
    (lambda x: -math.inf - x, "sub: a - b needs a finite number as a, got -inf"),
    (lambda x: x / math.nan, "div: a / b needs a finite number as b, got nan"),
    (lambda x: math.inf / x, "div: a / b needs a finite number as a, got inf"),
    (lambda x: x**math.nan, "powc: the exponent k of a ** k needs a finite number, got nan"),
    (lambda x: math.inf**x, "pow: a ** b needs a finite number as a, got inf"),
    (lambda x: x * 10**400, "mul: a * b needs a finite number as b, got an integer too large for a float"),
    (lambda x: ag.exp(math.nan), "exp: exp(a) needs a finite number as a, got nan"),
    (lambda x: ag.sin(-math.inf), "sin: sin(a) needs a finite number as a, got -inf"),
    (lambda x: ag.elu(math.nan, alpha=2.0), "elu: elu(a) needs a finite number as a, got nan"),
    (lambda x: ag.sum([x, 1.0, math.inf]), "sum: a1 + ... + an needs a finite number as a3, got inf"),
    (
        lambda x: ag.logsumexp([math.nan, x]),
        "logsumexp: log(exp(a1) + ... + exp(an)) needs a finite number as a1, got nan",
    ),
    (lambda x: ag.apply(ag.TABLE["add"], x, math.nan), "add: a + b needs a finite number as b, got nan"),
    (lambda x: Value(-math.inf), "Value needs a finite number, got -inf"),
    (lambda x: ag.Parameter(math.nan), "Parameter needs a finite number, got nan"),
    (lambda x: ag.Constant(math.inf), "Constant needs a finite number, got inf"),
    (lambda x: ag.leaky_relu(x, slope=math.inf), "slope needs a finite number, got inf"),
]


@pytest.mark.parametrize("make, message", NOT_FINITE, ids=[m for _, m in NOT_FINITE])
def test_a_nan_or_infinite_number_is_a_domain_error_naming_the_op(make, message):
    assert domain_error_message(lambda: make(Value(1.5, label="x"))) == message


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda x: x * 1e308, 1.5 * 1e308),
        (lambda x: 1.7976931348623157e308 / x, 1.7976931348623157e308 / 1.5),
        (lambda x: x * 10**300, 1.5e300),
        (lambda x: ag.sum([x, 1e308, x]), 1.5 + 1e308 + 1.5),
        (lambda x: ag.exp(-1e308), 0.0),
    ],
)
def test_the_largest_finite_numbers_are_still_fine(make, expected):
    assert make(Value(1.5)).data == expected


# A weight set to nan or inf by hand (through .data): the message names it, not an overflow.

HAND_SET = [
    (lambda w, x: w * 2, "mul: operand a = nan ('w') is"),
    (lambda w, x: x * w, "mul: operand b = nan ('w') is"),
    (lambda w, x: ag.log(w), "log: operand a = nan ('w') is"),
    (lambda w, x: ag.exp(w), "exp: operand a = nan ('w') is"),
    (lambda w, x: ag.sum([x, w, x]), "sum: operand a2 = nan ('w') is"),
    (lambda w, x: w**2, "powc: operand a = nan ('w') is"),
]


@pytest.mark.parametrize("make, start", HAND_SET, ids=[s.split(":")[0] for _, s in HAND_SET])
def test_a_weight_set_to_nan_by_hand_is_named_as_the_cause(make, start):
    w, x = ag.Parameter(0.5, label="w"), Value(2.0, label="x")
    w.data = math.nan
    message = domain_error_message(lambda: make(w, x))
    assert message.startswith(start + " not a finite number (was its data set directly?); got ")
    assert "overflow" not in message


def test_a_weight_set_to_inf_by_hand_is_named_even_where_the_result_is_nan():
    w = ag.Parameter(0.5, label="w")
    w.data = math.inf
    message = domain_error_message(lambda: w * 0.0)
    assert message == (
        "mul: operand a = inf ('w') is not a finite number (was its data set directly?); "
        "got a = inf ('w'), b = 0.0"
    )


def test_a_weight_set_to_nan_after_the_graph_was_built_is_named_by_backward():
    w, x = ag.Parameter(0.5, label="w"), Value(2.0, label="x")
    y = w * x
    w.data = math.nan
    message = domain_error_message(y.backward)
    assert "because a node's data is nan: Parameter(data=nan" in message and "label='w'" in message
    assert (w.grad, x.grad) == (0.0, 0.0)
