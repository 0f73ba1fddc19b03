"""nn.curvature: the largest Hessian eigenvalue by power iteration, and the step-size rule eta < 2/lambda."""

import numpy as np
import pytest

import autograd
import nn

X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, 2.0], [-1.2, -0.6], [0.9, 1.1]])
y = np.array([0.3, 1.2, -0.5, 0.8, -1.0, 0.6])


def linear_model():
    """One linear neuron with the mse loss: the loss is exactly quadratic, H = 2/n A^T A, A = [1 X]."""
    return nn.Neuron(2, activation="linear", seed=0)


def exact_hessian_of_linear_mse():
    A = np.column_stack([X, np.ones(len(X))])  # parameters in order w.0, w.1, b
    return 2.0 / len(X) * A.T @ A


def flat_gradient(model, loss="mse"):
    model.zero_grad()
    nn.losses.get(loss)(model.forward_batch(X), y).backward()
    return np.array([p.grad for p in model.parameters()])


def finite_difference_hessian(model, h=1e-5):
    params = model.parameters()
    n = len(params)
    H = np.zeros((n, n))
    for j, p in enumerate(params):
        start = p.data
        p.data = start + h
        up = flat_gradient(model)
        p.data = start - h
        down = flat_gradient(model)
        p.data = start
        H[:, j] = (up - down) / (2 * h)
    return H


def test_hvp_on_a_small_tanh_network_equals_the_finite_difference_hessian():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    H = finite_difference_hessian(model)
    params = model.parameters()
    product = autograd.hvp_operator(nn.mse(model.forward_batch(X), y), params)
    columns = np.column_stack([product(list(e)) for e in np.eye(len(params))])
    np.testing.assert_allclose(columns, H, atol=1e-6)
    np.testing.assert_allclose(columns, columns.T, atol=1e-12)  # a Hessian is symmetric


def test_curvature_of_a_quadratic_loss_is_its_largest_eigenvalue():
    model = linear_model()
    eigenvalues, eigenvectors = np.linalg.eigh(exact_hessian_of_linear_mse())
    found = nn.curvature(model, X, y, loss="mse", iters=500, seed=0)
    assert found.eigenvalue == pytest.approx(eigenvalues[-1], rel=1e-9)
    assert abs(found.eigenvector @ eigenvectors[:, -1]) == pytest.approx(1.0, abs=1e-6)
    assert found.max_stable_lr == pytest.approx(2.0 / eigenvalues[-1], rel=1e-9)


def test_curvature_of_a_tanh_network_matches_the_finite_difference_hessian():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    eigenvalues = np.linalg.eigvalsh(finite_difference_hessian(model))
    largest = eigenvalues[np.argmax(np.abs(eigenvalues))]
    found = nn.curvature(model, X, y, loss="mse", iters=2000, seed=0)
    assert found.eigenvalue == pytest.approx(largest, rel=1e-5)


def test_curvature_leaves_the_model_as_it_was():
    model = nn.MLP(2, [3, 1], activation="tanh", batchnorm=True, seed=1)
    for p in model.parameters():
        p.grad = 0.25
    before = model.state_dict()
    nn.curvature(model, X, y, loss="mse", iters=5)
    assert model.state_dict() == before
    assert all(p.grad == 0.25 for p in model.parameters())


def gradient_descent_distance(lr, steps=200):
    """|w - w*| after ``steps`` of gradient descent from 1e-3 off the minimum along the top eigenvector."""
    model = linear_model()
    A = np.column_stack([X, np.ones(len(X))])
    w_star = np.linalg.lstsq(A, y, rcond=None)[0]
    top = np.linalg.eigh(exact_hessian_of_linear_mse())[1][:, -1]
    for p, w in zip(model.parameters(), w_star + 1e-3 * top):
        p.data = float(w)
    opt = nn.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        flat_gradient(model)
        opt.step()
    return float(np.linalg.norm(np.array([p.data for p in model.parameters()]) - w_star))


def test_gradient_descent_stays_below_two_over_lambda_and_leaves_above():
    lam = nn.curvature(linear_model(), X, y, loss="mse", iters=500).eigenvalue
    assert gradient_descent_distance(0.9 * 2 / lam) < 1e-3 * 0.01  # |1 - 1.8| = 0.8 per step: it shrinks
    assert gradient_descent_distance(1.1 * 2 / lam) > 1e-3 * 100  # |1 - 2.2| = 1.2 per step: it grows


def test_curvature_names_a_bad_iters():
    with pytest.raises(ValueError, match="iters must be a whole number >= 1, got 0"):
        nn.curvature(linear_model(), X, y, iters=0)


def test_curvature_names_a_non_module():
    with pytest.raises(TypeError, match="model to be an nn Module"):
        nn.curvature(lambda x: x, X, y)
