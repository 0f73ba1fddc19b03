"""A plain number operand (the 0.5 of x * 0.5) is kept as a float in its node until someone
looks at ``parents``; then it is a Constant leaf like any other, with its gradient."""

import gc

import autograd as ag
from autograd import Constant, Value


def test_a_number_operand_shows_as_the_same_constant_leaf_every_time():
    x = Value(3.0, label="x")
    with ag.scope("half"):
        y = x * 0.5
    c = y.parents[1]
    assert isinstance(c, Constant) and c.data == 0.5 and c.is_leaf
    assert y.parents[1] is c and y.parents[0] is x
    assert c.scope is y.scope and c.scope.name == "half"


def test_a_number_on_the_left_keeps_its_place():
    x = Value(3.0)
    y = 2.0 - x
    c, operand = y.parents
    assert isinstance(c, Constant) and c.data == 2.0 and operand is x
    assert y.data == -1.0


def test_the_constant_shows_the_gradient_of_the_last_backward_pass():
    # y = (x * c) ** 2 with c = 0.5: dy/dc = 2 (x c) x = 2 * 1.5 * 3 = 9; dy/dx = 2 (x c) c = 1.5
    x = Value(3.0)
    product = x * 0.5
    y = product**2
    y.backward()
    assert x.grad == 1.5
    c = product.parents[1]
    assert c.grad == 9.0
    h = 1e-6
    numeric = (((3.0 * (0.5 + h)) ** 2) - ((3.0 * (0.5 - h)) ** 2)) / (2 * h)
    assert abs(c.grad - numeric) < 1e-6


def test_gradients_with_number_operands_match_finite_differences():
    x, w = Value(0.7), Value(-1.3)
    f = lambda a, b: ag.tanh(a * 0.5 + b * 0.49 - 1.0) / 2.0 + 3.0 / (1.0 + a * a)
    y = f(x, w)
    y.backward()
    numeric = ag.numeric_grad(f, [0.7, -1.3])
    assert abs(x.grad - numeric[0]) < 1e-7 and abs(w.grad - numeric[1]) < 1e-7


def test_a_graph_of_number_operands_holds_one_tracked_object_per_op():
    # v * 0.5 + w * 0.49 is 3 op nodes; the numbers are floats (untracked) until parents is read
    v, w = Value(1.0), Value(2.0)
    gc.collect()
    with ag.gc_paused():
        before = sum(1 for o in gc.get_objects() if isinstance(o, Value))
        y = v * 0.5 + w * 0.49
        assert sum(1 for o in gc.get_objects() if isinstance(o, Value)) - before == 3
        assert len(ag.topological_order(y)) == 7  # y, 2 products, v, w and the 2 Constants
        del y
        assert sum(1 for o in gc.get_objects() if isinstance(o, Value)) == before
