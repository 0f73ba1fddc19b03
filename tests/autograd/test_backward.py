"""Backprop on whole graphs: edges, order, accumulation, grad(), higher derivatives, recording switches."""

import gc
import math
import sys

import pytest

import autograd as ag
from autograd import Value

# Graph structure and order.


def test_a_plus_a_keeps_two_edges_and_both_carry_gradient():
    a = Value(3.0)
    b = a + a
    assert b.parents == (a, a)
    b.backward()
    assert a.grad == 2.0


def test_a_times_a_gets_the_product_rule_through_both_edges():
    a = Value(3.0)
    b = a * a
    b.backward()
    assert a.grad == 6.0  # d a^2/da = 2a


def test_topological_order_puts_the_root_first_each_node_once_and_before_its_parents():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    u = x * y
    v = u + x
    w = ag.sin(u) * v
    order = ag.topological_order(w)
    assert order[0] is w
    assert len(order) == len({id(n) for n in order}) == 6  # x, y, u, v, sin(u), w
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] > position[id(node)]


def test_leaf_kinds_are_leaves_and_ops_are_not():
    x, w = Value(1.0), ag.Parameter(0.5, label="w")
    y = w * x + 1
    assert x.is_leaf and w.is_leaf and y.parents[1].is_leaf
    assert isinstance(y.parents[1], ag.Constant)
    assert not y.is_leaf
    assert (x.op, y.op) == ("", "add")
    assert x.made_by is None and y.made_by is ag.TABLE["add"]


# Accumulation semantics.


def test_leaves_accumulate_across_backward_calls_until_zero_grad():
    x = Value(2.0)
    y = 3 * (x * x)
    y.backward()
    assert x.grad == 12.0  # d 3x^2/dx = 6x
    y.backward()
    assert x.grad == 24.0
    y.zero_grad()
    assert x.grad == 0.0
    y.backward()
    assert x.grad == 12.0


def test_interior_nodes_show_only_the_last_passs_gradient():
    x = Value(2.0)
    square = x * x
    y = 3 * square
    y.backward()
    assert square.grad == 3.0
    y.backward()
    assert square.grad == 3.0  # not 6: interior grads are reset each pass
    z = square * square  # another output through the same interior node
    z.backward()
    assert square.grad == 2 * square.data  # d s^2/ds = 2s, nothing left from y's passes


def test_zero_grad_clears_every_node_below():
    x = Value(2.0)
    y = ag.exp(x) * x
    y.backward()
    y.zero_grad()
    assert all(n.grad == 0.0 for n in ag.topological_order(y))


def test_grad_returns_the_gradients_and_leaves_every_grad_attribute_untouched():
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    f = x * ag.sin(y) + ag.exp(x * y)
    nodes = ag.topological_order(f)
    for i, n in enumerate(nodes):
        n.grad = 10.0 + i  # arbitrary marks that grad() must leave alone
    before = [n.grad for n in nodes]
    dx, dy = ag.grad(f, [x, y])
    assert [n.grad for n in nodes] == before
    # df/dx = sin y + y e^(xy), df/dy = x cos y + x e^(xy)
    assert dx == pytest.approx(math.sin(-0.5) - 0.5 * math.exp(-0.75), rel=1e-14)
    assert dy == pytest.approx(1.5 * math.cos(-0.5) + 1.5 * math.exp(-0.75), rel=1e-14)


def test_grad_gives_zero_for_an_input_the_output_does_not_depend_on():
    x, unused = Value(2.0), Value(5.0)
    f = x * x
    assert ag.grad(f, [x, unused]) == [4.0, 0.0]


def test_grad_of_a_single_input_is_a_single_number():
    x = Value(2.0)
    assert ag.grad(x * x * x, x) == 12.0  # 3x^2


def test_grad_equals_what_backward_puts_in_grad():
    x, y = Value(0.3), Value(1.7)
    f = ag.tanh(x * y) + ag.log(y) / (1 + x * x)
    by_grad = ag.grad(f, [x, y])
    f.backward()
    assert by_grad == [x.grad, y.grad]


def test_grad_of_an_output_with_respect_to_itself_is_one():
    x = Value(2.0)
    assert ag.grad(x, x) == 1.0


# Higher derivatives.


def x_sin_x(x):
    return x * ag.sin(x)


@pytest.mark.parametrize("a", [-1.0, 0.5, 2.0])
def test_second_derivative_of_x_sin_x_through_grad_twice(a):
    x = Value(a)
    first = ag.grad(x_sin_x(x), x, create_graph=True)
    assert first.data == pytest.approx(math.sin(a) + a * math.cos(a), rel=1e-14)  # sin x + x cos x
    second = ag.grad(first, x)
    assert second == pytest.approx(2 * math.cos(a) - a * math.sin(a), rel=1e-13)  # 2 cos x - x sin x


@pytest.mark.parametrize("a", [-1.0, 0.5, 2.0])
def test_second_derivative_of_x_sin_x_through_backward_with_create_graph(a):
    x = Value(a)
    x_sin_x(x).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    assert first.data == pytest.approx(math.sin(a) + a * math.cos(a), rel=1e-14)
    x.grad = 0.0  # the leaf would otherwise accumulate the second pass onto the first
    first.backward()
    assert x.grad == pytest.approx(2 * math.cos(a) - a * math.sin(a), rel=1e-13)


@pytest.mark.parametrize("a", [-1.3, 0.7])
def test_third_derivatives_of_x_to_the_fourth_and_of_sin(a):
    x = Value(a)
    d1 = ag.grad(x**4, x, create_graph=True)
    d2 = ag.grad(d1, x, create_graph=True)
    d3 = ag.grad(d2, x)
    assert (d1.data, d2.data) == pytest.approx((4 * a**3, 12 * a**2), rel=1e-14)
    assert d3 == pytest.approx(24 * a, rel=1e-14)
    s1 = ag.grad(ag.sin(x), x, create_graph=True)
    s2 = ag.grad(s1, x, create_graph=True)
    assert ag.grad(s2, x) == pytest.approx(-math.cos(a), rel=1e-14)  # sin''' = -cos


def hessian_by_hand(a, b):
    """The Hessian of f(x, y) = x^2 y + sin(xy), derived by hand.

    f_x = 2xy + y cos(xy),  f_y = x^2 + x cos(xy)
    f_xx = 2y - y^2 sin(xy),  f_yy = -x^2 sin(xy),  f_xy = 2x + cos(xy) - xy sin(xy)
    """
    s, c = math.sin(a * b), math.cos(a * b)
    fxy = 2 * a + c - a * b * s
    return [[2 * b - b * b * s, fxy], [fxy, -a * a * s]]


@pytest.mark.parametrize(
    "a, b, v", [(0.7, -1.2, (1.0, 0.0)), (0.7, -1.2, (0.3, -2.0)), (-2.0, 0.4, (1.0, 1.0))]
)
def test_hessian_vector_product_matches_the_hand_hessian(a, b, v):
    x, y = Value(a), Value(b)
    f = x * x * y + ag.sin(x * y)
    fx, fy = ag.grad(f, [x, y], create_graph=True)
    hv = ag.grad(fx * v[0] + fy * v[1], [x, y])
    h = hessian_by_hand(a, b)
    expected = [h[0][0] * v[0] + h[0][1] * v[1], h[1][0] * v[0] + h[1][1] * v[1]]
    assert hv == pytest.approx(expected, rel=1e-12)


def test_gradients_built_with_create_graph_equal_the_float_gradients():
    x, y = Value(0.4), Value(2.2)
    f = ag.sigmoid(x * y) * ag.sqrt(y) + ag.softplus(x - y) ** 2 + ag.elu(-x * y, alpha=0.5)
    as_values = ag.grad(f, [x, y], create_graph=True)
    as_floats = ag.grad(f, [x, y])
    assert [g.data for g in as_values] == pytest.approx(as_floats, rel=1e-14)


# The million-op chain.


def test_a_chain_of_a_million_ops_backprops_at_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    n = 1_000_000
    x, c = Value(0.5, label="x"), Value(1.000001, label="c")
    y = x
    collecting = gc.isenabled()
    gc.disable()  # only to build faster: the collector would scan the growing chain again and again
    try:
        for _ in range(n):
            y = y * c
    finally:
        if collecting:
            gc.enable()
    y.backward()
    # y = x c^n: dy/dx = c^n, dy/dc = n x c^(n-1).
    assert x.grad == pytest.approx(1.000001**n, rel=1e-9)
    assert c.grad == pytest.approx(n * 0.5 * 1.000001 ** (n - 1), rel=1e-9)
    assert sys.getrecursionlimit() == limit
    assert limit < n


# Recording switches: no_grad and scope.


def test_no_grad_computes_values_but_records_no_graph():
    x = Value(2.0)
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = ag.exp(x) * 3 + x
    assert ag.is_grad_enabled()
    assert y.data == pytest.approx(3 * math.exp(2.0) + 2.0)
    assert y.is_leaf and y.parents == () and y.op == ""
    y.backward()
    assert x.grad == 0.0


def test_no_grad_nests_and_restores_recording_after_an_error():
    with pytest.raises(ZeroDivisionError), ag.no_grad():
        with ag.no_grad():
            pass
        assert not ag.is_grad_enabled()
        raise ZeroDivisionError
    assert ag.is_grad_enabled()
    x = Value(1.0)
    assert (x + 1).parents[0] is x


def test_scope_labels_the_nodes_made_inside_it_and_nests():
    x = Value(1.0)
    with ag.scope("layers.0", kind="layer") as layer:
        with ag.scope("layers.0.neurons.1", kind="neuron") as neuron:
            w = ag.Parameter(0.5, label="w")
            act = ag.tanh(w * x)
        bias_add = act + 1
    outside = bias_add * 2
    assert act.scope is neuron and w.scope is neuron
    assert act.parents[0].scope is neuron  # the product w * x
    assert bias_add.scope is layer and bias_add.parents[1].scope is layer  # the Constant 1
    assert x.scope is None and outside.scope is None
    assert neuron.parent is layer and layer.parent is None
    assert neuron.path == ("layers.0", "layers.0.neurons.1")
    assert (neuron.name, neuron.kind) == ("layers.0.neurons.1", "neuron")


def test_scope_find_returns_the_innermost_scope_of_a_kind():
    with (
        ag.scope("model", kind="mlp") as model,
        ag.scope("l0", kind="layer") as layer,
        ag.scope("n0", kind="neuron") as neuron,
    ):
        pass
    assert neuron.find("neuron") is neuron
    assert neuron.find("layer") is layer
    assert neuron.find("mlp") is model
    assert neuron.find("loss") is None
    assert layer.find("neuron") is None


def test_scope_is_restored_after_an_error():
    with pytest.raises(KeyError), ag.scope("broken"):
        raise KeyError("x")
    assert (Value(1.0) + 1).scope is None


# gradcheck itself.


def test_gradcheck_returns_true_on_a_correct_gradient():
    assert ag.gradcheck(lambda x, y: x * ag.exp(y) / (1 + y * y), [0.3, -1.1]) is True


def test_numeric_grad_is_the_central_difference():
    # f(x, y) = x^2 y: df/dx = 2xy = 6, df/dy = x^2 = 9 at (3, 1).
    numeric = ag.numeric_grad(lambda x, y: x * x * y, [3.0, 1.0])
    assert numeric == pytest.approx([6.0, 9.0], rel=1e-8)


# A sin with the wrong derivative (sin instead of cos): gradcheck must catch it.
WRONG_SIN = ag.Op(
    "wrong_sin",
    "sin",
    lambda m, a: m.sin(a),
    lambda m, out, a: (m.sin(a),),
    "sin(a)",
    ("sin(a)",),
)


def test_gradcheck_raises_with_a_table_on_a_wrong_derivative():
    with pytest.raises(ag.GradcheckError) as caught:
        ag.gradcheck(lambda x, y: ag.apply(WRONG_SIN, x) * y, [0.5, 2.0])
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0] == "gradient check failed:"
    assert lines[1].split() == ["input", "at", "analytic", "numeric", "|diff|"]
    x_row, y_row = lines[2].split(), lines[3].split()
    # d/dx: the wrong rule says y sin x = 2 sin 0.5, the truth is y cos x = 2 cos 0.5.
    assert x_row[0] == "x0" and x_row[-1] == "MISMATCH"
    assert float(x_row[2]) == pytest.approx(2 * math.sin(0.5), rel=1e-6)
    assert float(x_row[3]) == pytest.approx(2 * math.cos(0.5), rel=1e-6)
    assert y_row[0] == "x1" and y_row[-1] == "ok"  # d/dy = sin x is right
    assert issubclass(ag.GradcheckError, AssertionError)


# The reference backward pass: the chain rule as a dict, one report per edge.


def test_reference_backward_gives_the_hand_derived_gradients_and_reports_each_edge_in_order():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    m = a * b
    y = m + a  # dy/da = b + 1 = 4, dy/db = a = 2
    edges = []
    grads = ag.reference_backward(y, on_step=lambda *edge: edges.append(edge))
    assert grads == {y: 1.0, m: 1.0, a: 4.0, b: 2.0}
    # (node, position, parent, upstream, local, grad_after)
    assert edges == [
        (y, 0, m, 1.0, 1.0, 1.0),
        (y, 1, a, 1.0, 1.0, 1.0),
        (m, 0, a, 1.0, 3.0, 4.0),
        (m, 1, b, 1.0, 2.0, 2.0),
    ]
    assert [v.grad for v in (y, m, a, b)] == [0.0, 0.0, 0.0, 0.0]  # no .grad touched


def test_reference_backward_passes_over_an_infinite_derivative_that_no_gradient_flows_through():
    x = Value(0.0)
    root = ag.sqrt(x) * 0.0  # d sqrt(x)/dx is infinite at 0, but upstream is 0 there
    edges = []
    grads = ag.reference_backward(root, on_step=lambda *edge: edges.append(edge))
    assert grads[x] == 0.0
    assert edges[-1][-3:] == (0.0, None, 0.0)  # upstream, local, grad_after of sqrt's edge
    root.backward()
    assert x.grad == 0.0  # the fast path agrees


def test_reference_backward_raises_where_an_infinite_derivative_is_needed_as_the_fast_path_does():
    x = Value(0.0)
    with pytest.raises(ag.DomainError, match=r"^sqrt: the derivative of sqrt\(a\) is infinite here"):
        ag.reference_backward(ag.sqrt(x))
    with pytest.raises(ag.DomainError, match=r"^sqrt: the derivative of sqrt\(a\) is infinite here"):
        ag.sqrt(x).backward()
    with pytest.raises(TypeError, match="^reference_backward needs a Value, got float$"):
        ag.reference_backward(1.0)
