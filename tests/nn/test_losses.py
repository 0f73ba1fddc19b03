"""Losses: values and gradients against hand-derived formulas and finite differences."""

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Value


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def values(xs):
    return [Value(x) for x in xs]


def test_mse_is_the_mean_square_error_and_its_gradient_is_2_over_n_times_the_error():
    o = values([0.5, -1.0, 2.0])
    t = [1.0, -1.0, 0.0]
    loss = nn.mse(o, t)
    assert loss.data == pytest.approx((0.25 + 0.0 + 4.0) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in o] == pytest.approx([2 * (0.5 - 1) / 3, 0.0, 2 * 2.0 / 3], rel=1e-14)


def test_mse_averages_over_examples_and_outputs():
    a, b, c, d = values([1.0, 2.0, 3.0, 4.0])
    assert nn.mse([[a, b], [c, d]], [[0.0, 0.0], [3.0, 3.0]]).data == pytest.approx((1 + 4 + 0 + 1) / 4)
    with pytest.raises(ValueError, match="2 outputs per example, the targets 1"):
        nn.mse([[a, b]], [[1.0]])


def test_binary_cross_entropy_from_logits_and_its_gradient_sigmoid_minus_target():
    z = values([0.3, -2.0, 4.0])
    t = [1, 0, 0]
    loss = nn.binary_cross_entropy(z, t)
    expected = -(math.log(sigmoid(0.3)) + math.log(1 - sigmoid(-2.0)) + math.log(1 - sigmoid(4.0))) / 3
    assert loss.data == pytest.approx(expected, rel=1e-13)
    loss.backward()
    assert [v.grad for v in z] == pytest.approx(
        [(sigmoid(zi.data) - ti) / 3 for zi, ti in zip(z, t)], rel=1e-12
    )


def test_binary_cross_entropy_is_stable_for_huge_logits():
    z = values([800.0, -800.0, 800.0])
    loss = nn.binary_cross_entropy(z, [0, 1, 1])
    assert loss.data == pytest.approx((800.0 + 800.0 + 0.0) / 3, rel=1e-12)
    loss.backward()
    assert [v.grad for v in z] == pytest.approx([1 / 3, -1 / 3, 0.0], abs=1e-15)


def test_hinge_is_micrograd_s_max_margin_loss_with_labels_0_1_read_as_minus_1_plus_1():
    s = values([0.5, -2.0, 3.0, 0.2])
    loss = nn.hinge(s, [1, 0, 0, 0])
    assert loss.data == pytest.approx((0.5 + 0.0 + 4.0 + 1.2) / 4, rel=1e-14)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([-0.25, 0.0, 0.25, 0.25], rel=1e-14)
    assert nn.hinge(values([0.5, -2.0]), [1, -1]).data == nn.hinge(values([0.5, -2.0]), [1, 0]).data


def test_hinge_refuses_other_labels():
    with pytest.raises(ValueError, match="hinge needs targets in"):
        nn.hinge(values([0.5, 1.0]), [2, 0])


def test_log_softmax_is_stable_and_softmax_sums_to_one():
    z = values([1000.0, 0.0, -1000.0])
    assert [v.data for v in nn.log_softmax(z)] == pytest.approx([0.0, -1000.0, -2000.0], abs=1e-12)
    p = nn.softmax(values([1.0, 2.0, 3.0]))
    e = [math.exp(x) for x in (1.0, 2.0, 3.0)]
    assert [v.data for v in p] == pytest.approx([x / sum(e) for x in e], rel=1e-14)


def test_cross_entropy_is_the_negative_log_likelihood_and_its_gradient_softmax_minus_one_hot():
    z = values([1.0, 2.0, 0.5])
    loss = nn.cross_entropy(z, 1)
    e = [math.exp(v.data) for v in z]
    assert loss.data == pytest.approx(-math.log(e[1] / sum(e)), rel=1e-14)
    loss.backward()
    assert [v.grad for v in z] == pytest.approx([x / sum(e) - (i == 1) for i, x in enumerate(e)], rel=1e-13)


def test_cross_entropy_refuses_a_class_out_of_range():
    with pytest.raises(ValueError, match="class index in 0..2"):
        nn.cross_entropy(values([1.0, 2.0, 0.5]), 3)


def test_mean_cross_entropy_averages_the_examples():
    rows = [values([1.0, 2.0]), values([0.0, -1.0])]
    expected = (nn.cross_entropy(rows[0], 0).data + nn.cross_entropy(rows[1], 1).data) / 2
    assert nn.mean_cross_entropy(rows, [0, 1]).data == pytest.approx(expected, rel=1e-15)


def test_l2_is_alpha_times_the_sum_of_squares_with_gradient_2_alpha_p():
    ps = values([0.5, -2.0])
    loss = nn.l2(ps, 1e-2)
    assert loss.data == pytest.approx(1e-2 * 4.25)
    loss.backward()
    assert [p.grad for p in ps] == pytest.approx([2e-2 * 0.5, 2e-2 * -2.0], rel=1e-14)


GRADCHECKS = {
    "mse": (lambda *o: nn.mse(o, [0.3, -1.0, 2.0]), [0.1, 0.7, -0.4]),
    "mse, two outputs": (
        lambda a, b, c, d: nn.mse([[a, b], [c, d]], [[0.0, 1.0], [2.0, -1.0]]),
        [0.1, 0.7, -0.4, 3.0],
    ),
    "binary_cross_entropy": (lambda *z: nn.binary_cross_entropy(z, [1, 0, 1]), [0.3, -1.2, 2.5]),
    "hinge": (lambda *s: nn.hinge(s, [1, 0, 1]), [0.3, -1.2, 2.5]),
    "cross_entropy": (lambda *z: nn.cross_entropy(z, 2), [0.3, -1.2, 2.5, 0.0]),
    "mean_cross_entropy": (
        lambda a, b, c, d: nn.mean_cross_entropy([[a, b], [c, d]], [1, 0]),
        [0.3, -1.2, 2.5, 0.0],
    ),
    "log_softmax": (lambda *z: nn.log_softmax(z)[1], [0.3, -1.2, 2.5]),
    "softmax": (lambda *z: nn.softmax(z)[0], [0.3, -1.2, 2.5]),
    "l2": (lambda *p: nn.l2(p, 0.1), [0.3, -1.2, 2.5]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_every_loss_passes_gradcheck(name):
    fn, point = GRADCHECKS[name]
    assert autograd.gradcheck(fn, point, eps=1e-6, atol=1e-8, rtol=1e-6)


def test_losses_accept_what_forward_batch_returns():
    model = nn.MLP(2, [3, 1], seed=0)
    X = np.array([[0.5, 1.0], [-1.0, 2.0]])
    outputs = model.forward_batch(X)
    bare = [row[0] for row in outputs]
    for loss in (nn.mse, nn.binary_cross_entropy, nn.hinge):
        assert loss(outputs, [1, 0]).data == loss(bare, [1, 0]).data


def test_loss_errors_name_what_is_wrong():
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        nn.binary_cross_entropy(values([1.0, 2.0]), [1, 0, 1])
    with pytest.raises(ValueError, match="one output per example, got 2"):
        nn.binary_cross_entropy([values([1.0, 2.0])], [1])
    with pytest.raises(ValueError, match="targets in"):
        nn.binary_cross_entropy(values([1.0]), [2])
    with pytest.raises(ValueError, match="at least one example"):
        nn.mse([], [])
    with pytest.raises(
        ValueError, match="unknown loss 'mae'; expected one of: mse, bce, cross_entropy, hinge"
    ):
        nn.fit(nn.MLP(1, [1]), [[0.0]], [0], loss="mae", progress=False)
