"""Everything an op of the table needs reaches it: a new op fails here until it is usable.

The Value method, the ``autograd`` function, ``__all__`` and the docstrings are made from
the table (``autograd.functions``); the command line's parser reads the table too. These
tests check that each op can be reached by each of those doors, and builds its own node.
"""

import pytest

import autograd
from autograd import TABLE, Value
from viz.cli import expression

OPS = list(TABLE.values())
FUNCTIONS = [op for op in OPS if op.function]


def typed(op) -> str:
    """How a user types the op on the command line: 'exp(x)', 'x ** 3', 'sum(x, y)'."""
    if op.arity is None:
        return f"{op.function}(x, y)"
    bound = op.bind(**dict.fromkeys(op.family, 3)) if op.family else op
    return bound.write(["x", "y"])


@pytest.mark.parametrize("op", FUNCTIONS, ids=lambda op: op.name)
def test_every_function_of_the_table_is_an_autograd_function_in_all_with_the_tables_docstring(op):
    function = getattr(autograd, op.function)
    assert op.function in autograd.__all__
    assert function.__doc__ == op.doc and op.doc
    made = function([0.5, 0.25]) if op.arity is None else function(0.5)
    assert made.made_by.name == op.name


@pytest.mark.parametrize("op", [op for op in FUNCTIONS if op.arity == 1], ids=lambda op: op.name)
def test_every_one_input_function_is_a_value_method_with_the_tables_docstring(op):
    method = getattr(Value, op.function)
    assert method.__doc__ == op.doc
    x = Value(0.5)
    made = getattr(x, op.function)()
    assert made.made_by.name == op.name and made.parents == (x,)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_can_be_typed_on_the_command_line(op):
    parsed = expression.parse(typed(op))
    root, leaves = parsed.evaluate({"x": 0.5, "y": 0.25} if "y" in parsed.variables else {"x": 0.5})
    assert root.op == op.name
    assert root.parents[0] is leaves["x"]


def test_the_command_lines_functions_are_the_tables_and_abs():
    assert set(expression.FUNCTIONS) == {op.function for op in FUNCTIONS} | {"abs"}
    assert expression.SETTINGS == {"leaky_relu": "slope", "elu": "alpha"}


def test_an_n_ary_function_on_the_command_line_is_one_node_with_every_argument_as_parent():
    root, leaves = expression.parse("sum(x, 2 * x, y)").evaluate({"x": 1.5, "y": -1.0})
    assert root.op == "sum" and len(root.parents) == 3 and root.data == 3.5
    with pytest.raises(expression.ExpressionError, match="sum takes 1 or more arguments, got 0"):
        expression.parse("sum()")


def test_a_family_function_takes_its_one_setting_by_position_or_by_name_and_nothing_else():
    x = Value(-2.0)
    assert x.leaky_relu(0.2).data == x.leaky_relu(slope=0.2).data == autograd.leaky_relu(x, 0.2).data == -0.4
    assert x.elu().made_by is TABLE["elu"].bind(alpha=1.0)  # the table's default
    with pytest.raises(TypeError, match=r"^leaky_relu\(\) takes one setting, slope; got 0.1, slope=0.2$"):
        x.leaky_relu(0.1, slope=0.2)
    with pytest.raises(TypeError, match=r"^elu\(\) takes one setting, alpha; got slope=0.2$"):
        x.elu(slope=0.2)
