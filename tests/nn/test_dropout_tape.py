"""Dropout on the batch tape: the masks are inputs of the trace, so the replay is exact.

The masks a Dropout draws are recomputed here by hand from its seed (its generator's first
uniforms >= p), and the gradients written out in numpy for a network small enough to
differentiate by hand; finite differences of that same numpy loss check the formula.
"""

import numpy as np
import pytest

import nn
from nn.engines import scalar_gradients, tape_gradients

X = np.random.default_rng(0).normal(size=(10, 3))
Y = np.random.default_rng(1).normal(size=10)
P = 0.4


def masks_by_hand(dropout, n):
    """The scaled masks m / (1 - p) that ``dropout`` draws first for n examples."""
    return (np.random.default_rng(dropout.seed).random((n, dropout.nin)) >= dropout.p) / (1.0 - dropout.p)


def linear_net():
    """y = v . (M * (W x + b)) + c: one linear hidden layer of 4 behind a dropout, one output."""
    return nn.MLP(3, [4, 1], activation="linear", dropout=P, seed=5)


def numbers(model):
    W = model.layers[0].weight_matrix()
    b = model.layers[0].bias_vector()
    v = model.layers[1].weight_matrix()[0]
    c = model.layers[1].bias_vector()[0]
    return W, b, v, c


def mse_by_hand(W, b, v, c, M):
    h = (X @ W.T + b) * M
    return np.mean((h @ v + c - Y) ** 2)


def test_tape_gradients_with_dropout_are_the_hand_formula_and_finite_differences():
    model = linear_net()
    M = masks_by_hand(model.dropouts[0], len(X))
    assert 0 < (M == 0).sum() < M.size  # some units dropped, some kept
    W, b, v, c = numbers(model)
    tape_gradients(model, X, Y, nn.mse)

    h = (X @ W.T + b) * M
    r = 2.0 * (h @ v + c - Y) / len(X)  # dL/dy per example
    dW = (r[:, None] * M * v[None, :]).T @ X  # dL/dW = sum_n r_n (m_n * v) x_n^T
    np.testing.assert_allclose(model.layers[0].weight_matrix(grad=True), dW, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.layers[1].weight_matrix(grad=True)[0], r @ h, rtol=1e-12, atol=1e-14)
    assert model.layers[1].bias_vector(grad=True)[0] == pytest.approx(r.sum(), rel=1e-12)

    eps = 1e-6
    for j, k in [(0, 0), (2, 1), (3, 2)]:
        up, down = W.copy(), W.copy()
        up[j, k] += eps
        down[j, k] -= eps
        numeric = (mse_by_hand(up, b, v, c, M) - mse_by_hand(down, b, v, c, M)) / (2 * eps)
        assert model.layers[0].weight_matrix(grad=True)[j, k] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("connections", ["plain", "highway", "dense"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_the_tape_and_the_scalar_engine_give_the_same_gradients_for_the_same_masks(connections, loss):
    y = Y if loss == "mse" else (Y > 0).astype(int)
    grads = []
    for engine in (scalar_gradients, tape_gradients):
        model = nn.MLP(3, [4, 4, 4, 1], activation="tanh", connections=connections, dropout=0.5, seed=6)
        value, outputs = engine(model, X, y, nn.LOSSES[loss])
        grads.append((value, outputs, [p.grad for p in model.parameters()]))
    (value, outputs, scalar), (tape_value, tape_outputs, tape) = grads
    assert tape_value == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(tape_outputs, outputs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tape, scalar, rtol=1e-12, atol=1e-15)
    assert sum(g == 0.0 for g in tape) < len(tape)  # gradients flow


def test_each_tape_step_draws_new_masks_from_the_dropouts_generators():
    model = linear_net()
    tape_gradients(model, X, Y, nn.mse)
    one = model.parameters()[0].grad
    tape_gradients(model, X, Y, nn.mse)
    assert model.parameters()[0].grad != one  # another mask: another gradient
    # the generator moved by exactly two batches of draws, as two scalar passes would move it
    np.testing.assert_array_equal(model.dropouts[0].draw_masks(len(X)), masks_after(model.dropouts[0], 2))


def masks_after(dropout, steps):
    """The scaled masks ``dropout`` draws after ``steps`` batches of len(X) examples."""
    rng = np.random.default_rng(dropout.seed)
    for _ in range(steps):
        rng.random((len(X), dropout.nin))
    return (rng.random((len(X), dropout.nin)) >= dropout.p) / (1.0 - dropout.p)


def test_fit_on_auto_trains_dropout_on_the_tape_exactly_as_the_scalar_engine():
    X2, y = nn.data.xor(40, seed=0)
    runs = {}
    for engine in ("auto", "scalar", "auto"):
        model = nn.MLP(2, [6, 6, 1], activation="tanh", dropout=0.3, seed=0)
        history = nn.fit(model, X2, y, lr=0.1, epochs=4, batch_size=10, progress=False, engine=engine)
        runs.setdefault(engine, []).append((history, model.state_dict()))
    (auto, auto_state), (again, again_state) = runs["auto"]
    (scalar, scalar_state) = runs["scalar"][0]
    assert auto.engine == "tape" and auto.engine_reason is None
    assert auto.loss == again.loss and auto_state == again_state  # seeded runs repeat exactly
    np.testing.assert_allclose(auto.loss, scalar.loss, rtol=1e-12)
    np.testing.assert_allclose(list(auto_state.values()), list(scalar_state.values()), rtol=1e-12, atol=1e-14)


def test_predict_with_a_dropout_model_is_the_evaluation_pass_on_the_tape():
    model = nn.MLP(3, [5, 5, 1], activation="tanh", dropout=0.5, seed=7)
    plain = nn.MLP(3, [5, 5, 1], activation="tanh", seed=7)
    assert nn.tape_engine.predict(model.eval(), X) is not None
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))
    assert nn.tape_engine.predict(model.train(), X) is None  # a new mask per pass: no one graph


def test_a_model_whose_p_was_set_to_zero_by_hand_is_traced_again():
    model = nn.MLP(3, [4, 1], dropout=0.5, seed=8)
    tape_gradients(model, X, Y, nn.mse)
    model.dropouts[0].p = 0.0  # no masks now: the fingerprint shows it, a new tape without mask columns
    tape_gradients(model, X, Y, nn.mse)
    with_tape = [p.grad for p in model.parameters()]
    scalar_gradients(model, X, Y, nn.mse)
    np.testing.assert_allclose(with_tape, [p.grad for p in model.parameters()], rtol=1e-12, atol=1e-15)


def test_data_parallel_grad_still_refuses_a_dropout_in_training_mode():
    model = nn.MLP(3, [4, 1], dropout=0.5, seed=9)
    with pytest.raises(ValueError, match="Dropout 'dropouts.0' draws random masks"):
        nn.data_parallel_grad(model, X, Y, "mse", workers=2)
