"""The classic mistakes: each example shows the wrong number next to the right one."""

import math

import autograd
import viz.live
from viz.live.mistakes import chain_rule, depth_first


def test_a_value_used_twice_gets_both_paths_gradients():
    b = viz.live.value_used_twice()
    for _ in range(len(b.steps)):
        b.next()
    a = [v for v in b.step.grads if v.label == "a"][0]
    assert b.step.grads[a] == -3.0 + 1.0  # d(ab + a)/da = b + 1


def test_backward_twice_shows_the_doubled_gradient():
    page = viz.live.backward_twice().value
    assert f"{math.cos(0.5):.6g}" in page and f"{2 * math.cos(0.5):.6g}" in page


def test_grad_before_backward_shows_zero_then_2x():
    page = viz.live.grad_before_backward().value
    assert "<code>0</code>" in page and "<code>4</code>" in page


def test_the_wrong_order_gives_a_wrong_number_and_the_topological_one_the_right():
    x, w = autograd.Value(1.5), autograd.Value(0.5)
    a = w * x
    y = a + autograd.exp(a)
    y.backward()
    right = chain_rule(y, autograd.topological_order(y))
    wrong = chain_rule(y, depth_first(y))
    assert right[w] == w.grad == x.data * (1 + math.exp(0.75))
    assert wrong[w] != right[w]
    page = viz.live.wrong_order().value
    assert f"{right[w]:.6g} | {wrong[w]:.6g}" in page
