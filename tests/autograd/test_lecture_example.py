"""The lecture's example, y = sin(w1*x + log(x)) + cos(x) at x = 2, w1 = 0.5, worked out by hand.

Forward, naming the intermediate nodes as the lecture's picture does:

    a = w1 x = 0.5 * 2 = 1
    b = log x = log 2 = 0.693147...
    u = a + b = 1 + log 2 = 1.693147...
    y = sin u + cos x = sin(1 + log 2) + cos 2 = 0.992524... - 0.416147... = 0.576378...

Backward, the chain rule from y down:

    dy/du  = cos u                                   = -0.122046...
    dy/da  = dy/du * 1,  dy/db = dy/du * 1
    dy/dw1 = dy/da * x            = cos(u) x         = -0.244092...
    dy/dx  = dy/da * w1 + dy/db * (1/x) - sin x
           = cos(u) (w1 + 1/x) - sin x               = -0.122046... - 0.909297... = -1.031343...

x reaches y along three paths (through a, through b, through cos), and the three add up.
"""

import math

import pytest

import autograd as ag
from autograd import Value

X, W1 = 2.0, 0.5
U = W1 * X + math.log(X)
Y = math.sin(U) + math.cos(X)
DY_DX = math.cos(U) * (W1 + 1 / X) - math.sin(X)
DY_DW1 = math.cos(U) * X


def lecture_graph():
    x, w1 = Value(X, label="x"), Value(W1, label="w1")
    a = w1 * x
    b = ag.log(x)
    u = a + b
    y = ag.sin(u) + ag.cos(x)
    return x, w1, a, b, u, y


def test_the_hand_derived_numbers_are_the_lectures():
    assert round(Y, 6) == 0.576378
    assert round(DY_DX, 6) == -1.031343
    assert round(DY_DW1, 6) == -0.244092


def test_forward_value_of_the_lecture_example():
    x, w1, a, b, u, y = lecture_graph()
    assert (a.data, b.data) == (1.0, math.log(2.0))
    assert u.data == pytest.approx(1.0 + math.log(2.0), rel=1e-15)
    assert y.data == pytest.approx(Y, rel=1e-15)


def test_backward_gives_the_hand_derived_gradients():
    x, w1, a, b, u, y = lecture_graph()
    y.backward()
    assert x.grad == pytest.approx(DY_DX, rel=1e-14)
    assert w1.grad == pytest.approx(DY_DW1, rel=1e-14)


def test_every_intermediate_node_holds_dy_by_that_node():
    x, w1, a, b, u, y = lecture_graph()
    y.backward()
    assert y.grad == 1.0
    assert u.grad == pytest.approx(math.cos(U), rel=1e-15)  # dy/du = cos u
    assert a.grad == b.grad == u.grad  # an add passes its gradient on unchanged


def test_x_collects_gradient_along_its_three_paths():
    x, w1, a, b, u, y = lecture_graph()
    y.backward()
    through_a = math.cos(U) * W1
    through_b = math.cos(U) / X
    through_cos = -math.sin(X)
    assert x.grad == pytest.approx(through_a + through_b + through_cos, rel=1e-14)
    assert len(ag.topological_order(y)) == 8  # x, w1, a, b, u, sin u, cos x, y


def test_grad_and_gradcheck_agree_on_the_lecture_example():
    x, w1, *_, y = lecture_graph()
    assert ag.grad(y, [x, w1]) == pytest.approx([DY_DX, DY_DW1], rel=1e-14)
    assert ag.gradcheck(lambda x, w1: ag.sin(w1 * x + ag.log(x)) + ag.cos(x), [X, W1])
