"""BatchNorm's evaluation mode against numpy, and nn.loss_smoothness against the quadratic's formulas."""

import numpy as np
import pytest

import autograd
import nn

X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 2.0], [-1.2, -0.6], [0.9, 1.1]])
y = np.array([0.3, 1.2, -0.5, 0.8, -1.0, 0.6])


def test_running_statistics_over_several_batches_and_the_evaluation_output_match_numpy():
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm(3, momentum=0.2)
    bn.gamma[1].data, bn.beta[2].data = 1.5, -0.5
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(4):
        batch = rng.normal(2.0, 3.0, size=(5, 3))
        bn.forward_batch(batch)  # a training pass (graph recorded): updates the running statistics
        mean = 0.8 * mean + 0.2 * batch.mean(axis=0)
        var = 0.8 * var + 0.2 * batch.var(axis=0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-12)
    test = rng.normal(size=(4, 3))
    gamma, beta = np.array([1.0, 1.5, 1.0]), np.array([0.0, 0.0, -0.5])
    expected = gamma * (test - mean) / np.sqrt(var + 1e-5) + beta
    np.testing.assert_allclose(bn.eval().predict(test), expected, rtol=1e-12)


def test_a_trained_batchnorm_mlp_predicts_with_its_running_statistics():
    model = nn.MLP(2, [4, 1], activation="tanh", batchnorm=True, seed=0)
    nn.fit(model, X, y, loss="mse", lr=0.05, epochs=5, progress=False)
    hidden, out = model.layers
    bn = hidden.batchnorm
    s = X @ hidden.weight_matrix().T  # no bias: BatchNorm's beta shifts
    gamma, beta = (np.array([p.data for p in ps]) for ps in (bn.gamma, bn.beta))
    h = np.tanh(gamma * (s - bn.running_mean) / np.sqrt(np.array(bn.running_var) + bn.eps) + beta)
    expected = h @ out.weight_matrix().T[:, 0] + out.bias_vector()[0]
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-12)
    assert bn.running_mean != [0.0] * 4  # fit's training passes did move them


def test_loss_smoothness_of_a_quadratic_follows_its_taylor_series():
    # Linear neuron + mse, exactly: L(w - eta g) = L - eta |g|^2 + eta^2 / 2 g^T H g; grad moves by eta H g.
    model = nn.Neuron(2, activation="linear", seed=0)
    A = np.column_stack([X, np.ones(len(X))])
    H = 2.0 / len(X) * A.T @ A
    value = nn.mse(model.forward_batch(X), y)
    L, g = value.data, np.array(autograd.grad(value, model.parameters()))
    steps = np.array([0.1, 0.3])
    found = nn.loss_smoothness(model, X, y, loss="mse", steps=steps)
    gg, gHg = g @ g, g @ H @ g
    np.testing.assert_allclose(found.losses, L - steps * gg + steps**2 / 2 * gHg, rtol=1e-12)
    np.testing.assert_allclose(found.grad_changes, steps * np.linalg.norm(H @ g), rtol=1e-12)
    assert found.loss_at_start == pytest.approx(L, rel=1e-15)
    assert found.beta == pytest.approx(np.linalg.norm(H @ g) / np.linalg.norm(g), rel=1e-12)


def test_loss_smoothness_leaves_the_model_as_it_was():
    model = nn.MLP(2, [3, 1], activation="tanh", batchnorm=True, seed=1)
    for p in model.parameters():
        p.grad = 0.5
    before = model.state_dict()
    nn.loss_smoothness(model, X, y, loss="mse")
    assert model.state_dict() == before and all(p.grad == 0.5 for p in model.parameters())


def test_loss_smoothness_names_bad_steps():
    with pytest.raises(ValueError, match=r"steps must be step sizes > 0 .* got \[0.1, -1.0\]"):
        nn.loss_smoothness(nn.Neuron(2), X, y, loss="mse", steps=[0.1, -1.0])
