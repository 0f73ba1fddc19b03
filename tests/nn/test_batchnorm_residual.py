"""BatchNorm (training and evaluation modes, gradients through the batch statistics) and Residual."""

import math

import numpy as np
import pytest

import autograd
import nn

BATCH = [[0.5, -2.0], [1.5, 0.0], [-1.0, 3.0], [2.0, 1.0]]


def column(outputs, j):
    return np.array([row[j].data for row in outputs])


def test_training_mode_normalises_each_unit_over_the_batch():
    bn = nn.BatchNorm(2)
    out = bn.forward_batch(BATCH)
    for j in range(2):
        y = column(out, j)
        x = np.array([row[j] for row in BATCH])
        assert y == pytest.approx((x - x.mean()) / np.sqrt(x.var() + bn.eps), rel=1e-12)
        assert y.mean() == pytest.approx(0.0, abs=1e-12)
        assert y.var() == pytest.approx(1.0, rel=1e-4)


def test_gamma_scales_and_beta_shifts():
    bn = nn.BatchNorm(2)
    plain = column(bn.forward_batch(BATCH), 1)
    bn.gamma[1].data, bn.beta[1].data = 3.0, -0.5
    assert column(bn.forward_batch(BATCH), 1) == pytest.approx(3.0 * plain - 0.5, rel=1e-12)


def test_training_passes_update_the_running_statistics_with_momentum():
    bn = nn.BatchNorm(2, momentum=0.1)
    bn.forward_batch(BATCH)
    x = np.array(BATCH)
    assert bn.running_mean == pytest.approx(0.9 * 0.0 + 0.1 * x.mean(axis=0), rel=1e-12)
    assert bn.running_var == pytest.approx(0.9 * 1.0 + 0.1 * x.var(axis=0, ddof=1), rel=1e-12)


def test_passes_under_no_grad_leave_the_running_statistics_alone():
    bn = nn.BatchNorm(2)
    with autograd.no_grad():
        bn.forward_batch(BATCH)
    assert bn.running_mean == [0.0, 0.0] and bn.running_var == [1.0, 1.0]


def test_evaluation_mode_uses_the_running_statistics():
    bn = nn.BatchNorm(2)
    bn.running_mean, bn.running_var = [1.0, -1.0], [4.0, 0.25]
    bn.gamma[0].data, bn.beta[0].data = 2.0, 0.5
    bn.eval()
    out = bn([3.0, 0.0])
    assert out[0].data == pytest.approx(2.0 * (3.0 - 1.0) / math.sqrt(4.0 + bn.eps) + 0.5, rel=1e-12)
    assert out[1].data == pytest.approx((0.0 + 1.0) / math.sqrt(0.25 + bn.eps), rel=1e-12)


def test_training_mode_refuses_a_batch_of_one():
    with pytest.raises(ValueError, match="at least 2 examples"):
        nn.MLP(2, [3, 1], batchnorm=True, seed=0)([1.0, 2.0])


def loss_of_batchnorm(bn, weights):
    """L = sum_ij c_ij y_ij over a batch, as a function of the batch's values (2 units x 4 examples)."""

    def fn(*values):
        rows = [list(values[2 * i : 2 * i + 2]) for i in range(4)]
        out = bn.forward_batch(rows)
        return autograd.sum([c * y for crow, row in zip(weights, out) for c, y in zip(crow, row)])

    return fn


WEIGHTS = [[0.3, -1.0], [2.0, 0.5], [-0.7, 1.5], [1.1, -0.2]]


def test_batchnorm_gradient_through_batch_mean_and_variance_passes_gradcheck():
    bn = nn.BatchNorm(2)
    bn.gamma[0].data, bn.beta[1].data = 1.7, 0.3
    inputs = [v for row in BATCH for v in row]
    assert autograd.gradcheck(loss_of_batchnorm(bn, WEIGHTS), inputs, eps=1e-6, atol=1e-7, rtol=1e-5)


def test_batchnorm_input_gradient_matches_the_textbook_formula():
    """dx_i = gamma / (n sigma) * (n c_i - sum c - xhat_i sum(c xhat)), for L = sum c_i y_i."""
    bn = nn.BatchNorm(2)
    bn.gamma[0].data = 1.7
    inputs = [autograd.Value(v) for row in BATCH for v in row]
    loss_of_batchnorm(bn, WEIGHTS)(*inputs).backward()
    n = 4
    x = np.array([row[0] for row in BATCH])
    c = np.array([row[0] for row in WEIGHTS])
    sigma = math.sqrt(x.var() + bn.eps)
    xhat = (x - x.mean()) / sigma
    expected = 1.7 / (n * sigma) * (n * c - c.sum() - xhat * (c * xhat).sum())
    assert [inputs[2 * i].grad for i in range(n)] == pytest.approx(expected.tolist(), rel=1e-9)
    assert bn.gamma[0].grad == pytest.approx((c * xhat).sum(), rel=1e-9)
    assert bn.beta[0].grad == pytest.approx(c.sum(), rel=1e-12)


def test_batchnorm_scale_and_shift_gradients_pass_a_finite_difference_check():
    bn = nn.BatchNorm(2)
    fn = loss_of_batchnorm(bn, WEIGHTS)
    inputs = [v for row in BATCH for v in row]
    bn.zero_grad()
    fn(*inputs).backward()
    for p in bn.parameters():
        analytic, start = p.grad, p.data
        with autograd.no_grad():
            p.data = start + 1e-6
            up = fn(*inputs).data
            p.data = start - 1e-6
            down = fn(*inputs).data
        p.data = start
        assert analytic == pytest.approx((up - down) / 2e-6, rel=1e-6, abs=1e-8)


def test_mlp_with_batchnorm_normalises_hidden_layers_and_drops_their_redundant_bias():
    model = nn.MLP(2, [4, 4, 1], batchnorm=True, seed=0)
    assert [layer.batchnorm is not None for layer in model.layers] == [True, True, False]
    assert all(n.b is None for n in model.layers[0].neurons)
    assert model.layers[2].neurons[0].b is not None
    names = [name for name, _ in model.named_parameters()]
    assert "layers.0.batchnorm.gamma.3" in names and "layers.1.batchnorm.beta.0" in names
    assert [name for name, _ in model.named_buffers()][:2] == [
        "layers.0.batchnorm.running_mean.0",
        "layers.0.batchnorm.running_mean.1",
    ]


def test_batchnorm_nodes_are_in_a_batchnorm_scope_inside_the_layer():
    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    (out,), _ = model.forward_batch(BATCH[:2])
    scopes = [v.scope for v in autograd.topological_order(out) if v.scope and v.scope.kind == "batchnorm"]
    assert scopes
    assert {s.name for s in scopes} == {"layers.0.batchnorm"}
    assert {(s.parent.name, s.parent.kind) for s in scopes} == {("layers.0", "layer")}


def test_hidden_activations_after_batchnorm_are_normalised_before_the_nonlinearity():
    X = np.random.default_rng(0).normal(3.0, 5.0, size=(50, 2))
    model = nn.MLP(2, [6, 1], activation="linear", batchnorm=True, seed=0)
    hidden = nn.layer_activations(model, X)["layers.0"]
    assert hidden.mean(axis=0) == pytest.approx(np.zeros(6), abs=1e-9)
    assert hidden.std(axis=0) == pytest.approx(np.ones(6), rel=1e-3)


def test_residual_outputs_input_plus_block():
    block = nn.Layer(3, 3, activation="tanh", seed=0)
    res = nn.Residual(block)
    x = [0.5, -1.0, 2.0]
    assert [v.data for v in res(x)] == pytest.approx([a + h.data for a, h in zip(x, block(x))], rel=1e-15)
    assert [name for name, _ in res.named_parameters()][:2] == ["block.neurons.0.w.0", "block.neurons.0.w.1"]
    assert res.parameters()[0].label == "block.neurons.0.w.0"


def test_residual_gradient_is_identity_plus_the_block_s():
    block = nn.Neuron(1, activation="tanh")
    block.w[0].data, block.b.data = 2.0, 0.1
    res = nn.Residual(block)
    x = autograd.Value(0.3)
    (out,) = res([x])
    assert out.scope.kind == "residual"
    h = math.tanh(2.0 * 0.3 + 0.1)
    assert autograd.grad(out, x) == pytest.approx(1.0 + 2.0 * (1.0 - h * h), rel=1e-12)


def test_residual_needs_a_block_with_as_many_outputs_as_inputs():
    with pytest.raises(ValueError, match="nin == nout"):
        nn.Residual(nn.Layer(2, 3))
    with pytest.raises(TypeError, match="Module"):
        nn.Residual(lambda x: x)
    with pytest.raises(ValueError, match="nin == nout"):
        nn.Layer(2, 3, residual=True)


def test_mlp_residual_skips_hidden_layers_of_equal_width_only():
    model = nn.MLP(2, [4, 4, 4, 1], residual=True, seed=0)
    assert [layer.residual for layer in model.layers] == [False, True, True, False]
    assert [layer.residual for layer in nn.MLP(4, [4, 8, 8, 1], residual=True).layers] == [
        False,
        False,
        True,
        False,
    ]
    x = [0.3, -0.4]
    hidden = [v.data for v in model.layers[0](x)]
    second = model.layers[1]
    plain = [neuron(hidden).data for neuron in second.neurons]
    assert [v.data for v in second(hidden)] == pytest.approx(
        [a + b for a, b in zip(hidden, plain)], rel=1e-14
    )
