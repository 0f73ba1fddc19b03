"""viz.backprop_steps: the chain rule node by node, in the engine's order, with the engine's numbers."""

from __future__ import annotations

import math

import pytest

import autograd
import nn
import viz
from autograd import Value
from viz.graph.names import node_names


def test_steps_follow_the_engines_order_after_the_seed(lecture):
    y, *_ = lecture()
    steps = viz.backprop_steps(y)
    assert isinstance(steps[0], viz.SeedStep) and steps[0].node is y and steps[0].upstream == 1.0
    assert all(isinstance(s, viz.BackwardStep) for s in steps[1:])
    assert [s.node for s in steps[1:]] == [v for v in autograd.topological_order(y) if v.parents]


def test_final_gradients_equal_backward_by_hand_and_by_finite_differences(lecture, hand_gradients):
    y, x, w1 = lecture()
    final = viz.backprop_steps(y)[-1].grads
    fresh, fresh_x, fresh_w1 = lecture()
    fresh.backward()
    assert [final[v] for v in viz.graph.node_order(y)] == [v.grad for v in viz.graph.node_order(fresh)]
    assert final[x] == pytest.approx(hand_gradients["x"], rel=1e-12)
    assert final[w1] == pytest.approx(hand_gradients["w1"], rel=1e-12)
    numeric = autograd.numeric_grad(
        lambda a, b: autograd.sin(b * a + autograd.log(a)) + autograd.cos(a), [2.0, 0.5]
    )
    assert [final[x], final[w1]] == pytest.approx(numeric, rel=1e-6)


def test_each_input_gets_upstream_times_local_added_to_its_grad(lecture):
    y, *_ = lecture()
    before = {v: 0.0 for v in autograd.topological_order(y)}
    before[y] = 1.0
    for step in viz.backprop_steps(y)[1:]:
        assert step.upstream == before[step.node]
        locals_ = step.node.local_grads()
        for inp in step.inputs:
            assert inp.node is step.node.parents[inp.position]
            assert inp.local == locals_[inp.position]
            assert inp.product == step.upstream * inp.local
            assert inp.grad_before == before[inp.node]
            assert inp.grad_after == inp.grad_before + inp.product
            before[inp.node] = inp.grad_after
        assert dict(step.grads) == before


def test_rules_come_from_the_op_table_with_their_numbers(lecture):
    y, x, w1 = lecture()
    steps = {s.node.op: s for s in viz.backprop_steps(y)[1:] if s.node.op != "add"}
    sin_input = steps["sin"].inputs[0]
    assert sin_input.rule == "d sin(a)/da = cos(a)"
    assert sin_input.rule.endswith(autograd.TABLE["sin"].rules[0])
    assert sin_input.equation == f"d sin(a)/da = cos(a) = {math.cos(1 + math.log(2)):.4f}"
    a, b = steps["mul"].inputs
    assert (a.rule, b.rule) == ("d (a * b)/da = b", "d (a * b)/db = a")
    assert (a.local, b.local) == (x.data, w1.data)  # d(w1 x)/dw1 = x, d(w1 x)/dx = w1
    assert steps["log"].inputs[0].equation == "d log(a)/da = 1/a = 0.5000"
    assert steps["cos"].inputs[0].local == -math.sin(2.0)


def test_a_rule_that_is_a_number_is_not_repeated(lecture):
    y, *_ = lecture()
    add = viz.backprop_steps(y)[1]
    assert add.node.op == "add"
    assert [i.equation for i in add.inputs] == ["d (a + b)/da = 1", "d (a + b)/db = 1"]


def test_the_graphs_own_gradients_are_not_touched(lecture):
    y, x, w1 = lecture()
    nodes = autograd.topological_order(y)
    for k, v in enumerate(nodes):
        v.grad = 100.0 + k  # whatever the graph holds must stay
    viz.backprop_steps(y, forward=True)
    assert [v.grad for v in nodes] == [100.0 + k for k in range(len(nodes))]


def test_a_repeated_operand_receives_gradient_twice():
    a = Value(3.0, label="a")
    y = a * a
    (step,) = viz.backprop_steps(y)[1:]
    first, second = step.inputs
    assert first.node is second.node is a
    assert (first.grad_before, first.grad_after) == (0.0, 3.0)
    assert (second.grad_before, second.grad_after) == (3.0, 6.0)  # d(a^2)/da = 2a
    assert step.grads[a] == 6.0


def test_forward_steps_come_first_each_after_its_operands(lecture):
    y, *_ = lecture()
    steps = viz.backprop_steps(y, forward=True)
    forward = [s for s in steps if s.kind == "forward"]
    assert steps[: len(forward)] == forward and steps[len(forward)].kind == "seed"
    assert len(forward) == sum(1 for v in autograd.topological_order(y) if v.parents)
    done = set()
    for s in forward:
        assert all(p in done or not p.parents for p in s.node.parents)
        assert s.value == s.node.data
        done.add(s.node)
    log_step = next(s for s in forward if s.node.op == "log")
    assert log_step.text == f"log(a) = log(2.0000) = {math.log(2):.4f}"
    add_step = forward[-1]
    assert add_step.node is y and add_step.formula == "a + b"


def test_a_node_with_no_gradient_passes_on_zero_as_the_engine_does():
    x = Value(1.0, label="x")
    y = autograd.relu(x - 2.0)  # relu is flat here: x - 2 gets gradient 0
    steps = viz.backprop_steps(y)
    sub = steps[-1]
    assert sub.node.op == "sub" and sub.upstream == 0.0
    assert [i.product for i in sub.inputs] == [0.0, 0.0]
    fresh_x = Value(1.0)
    autograd.relu(fresh_x - 2.0).backward()
    assert steps[-1].grads[x] == fresh_x.grad == 0.0


def test_an_infinite_derivative_that_is_needed_fails_as_in_the_engine():
    x = Value(0.0, label="x")
    y = autograd.sqrt(x)
    with pytest.raises(autograd.DomainError, match="sqrt"):
        viz.backprop_steps(y)
    with pytest.raises(autograd.DomainError, match="sqrt"):
        y.backward()


def test_a_leaf_alone_has_only_the_seed():
    x = Value(4.0, label="x")
    (seed,) = viz.backprop_steps(x)
    assert seed.node is x and dict(seed.grads) == {x: 1.0}


def test_a_neurons_steps_use_the_n_ary_sum_and_match_backward():
    neuron = nn.Neuron(3, activation="tanh", seed=3)
    xs = [Value(v, label=f"x{i + 1}") for i, v in enumerate([0.2, -1.0, 0.7])]
    h = neuron(xs)
    steps = viz.backprop_steps(h)
    act, total = steps[1], steps[2]
    assert act.node is h and act.inputs[0].equation.startswith("d tanh(a)/da = 1 - tanh(a)² = 1 - out²")
    assert act.inputs[0].local == pytest.approx(1 - math.tanh(total.node.data) ** 2, rel=1e-12)
    assert total.node.op == "sum" and len(total.inputs) == 4  # bias and three products: one node
    assert [i.rule for i in total.inputs] == [autograd.TABLE["sum"].rule_text(k, 4) for k in range(4)]
    assert total.inputs[1].rule == "d (a1 + ... + an)/da2 = 1"
    h.backward()
    final = steps[-1].grads
    for p in neuron.parameters():
        assert final[p] == p.grad
    assert [final[x] for x in xs] == [x.grad for x in xs]


def test_an_n_ary_op_is_written_out_and_its_rule_read_from_the_table():
    xs = [Value(v, label=f"x{i + 1}") for i, v in enumerate([0.5, -1.0, 2.0])]
    y = autograd.logsumexp(xs)
    forward, seed, step = viz.backprop_steps(y, forward=True)
    assert forward.text.startswith(
        "log(exp(a1) + exp(a2) + exp(a3)) = log(exp(0.5000) + exp(-1.0000) + exp(2.0000))"
    )
    softmax = [math.exp(x.data) / sum(math.exp(z.data) for z in xs) for x in xs]
    assert [i.local for i in step.inputs] == pytest.approx(softmax, rel=1e-12)
    assert step.inputs[2].rule == autograd.TABLE["logsumexp"].rule_text(2, 3)
    assert step.inputs[2].equation.endswith(f"= {softmax[2]:.4f}")
    y.backward()
    assert [step.grads[x] for x in xs] == [x.grad for x in xs]
    assert node_names(y)[y] == "log(exp(x1) + exp(x2) + exp(x3))"


def test_names_read_like_the_expression(lecture):
    y, x, w1 = lecture()
    names = node_names(y)
    assert names[x] == "x" and names[y] == "sin(w1 * x + log(x)) + cos(x)"
    assert sorted(names.values()) == sorted(
        ["x", "w1", "w1 * x", "log(x)", "w1 * x + log(x)", "sin(w1 * x + log(x))", "cos(x)", names[y]]
    )
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    z = (a - (b - a)) / (a * b) ** 2 - (-a)
    names = node_names(z)
    assert names[z.parents[0]] == "(a - (b - a)) / (a * b) ** 2"  # brackets where Python needs them
    assert names[z] == "… - …"  # too long for a picture: the op stays, the operands go


def test_backprop_steps_needs_a_value():
    with pytest.raises(TypeError, match="needs a Value"):
        viz.backprop_steps(2.0)
