"""The lecture's claims, shown with seeded runs of the scalar engine."""

import numpy as np
import pytest

import nn


def test_micrograd_demo_reaches_100_percent_training_accuracy_within_100_steps():
    """MLP(2, [16, 16, 1]) on 100 moons (noise 0.1), hinge + 1e-4 L2, SGD at lr = 1 - 0.9 k/100."""
    X, y = nn.data.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], init="uniform", seed=0)
    params = model.parameters()

    def loss(outputs, targets):
        return nn.hinge(outputs, targets) + nn.l2(params, 1e-4)

    def stop_when_every_point_is_right(model, history):
        if nn.accuracy(model, X, y) == 1.0:
            raise nn.StopTraining

    history = nn.fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=nn.SGD(params, lr=1.0),
        schedule=nn.LinearDecay(100, end_factor=0.1),
        epochs=100,
        callbacks=[stop_when_every_point_is_right],
        progress=False,
    )
    assert len(history) < 100
    assert nn.accuracy(model, X, y) == 1.0
    assert history.lr[:3] == pytest.approx([1.0, 0.991, 0.982], rel=1e-15)


def newton_logistic_regression(F, y, steps=30):
    """The best logistic regression on features F, by Newton's method (a reference outside nn)."""
    A = np.column_stack([np.ones(len(F)), F])
    w = np.zeros(A.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-A @ w))
        w -= np.linalg.solve((A.T * (p * (1 - p))) @ A, A.T @ (p - y))
    z = A @ w
    return np.mean(np.logaddexp(0, z) - y * z)


def train_linear_model(F, y):
    model = nn.MLP(F.shape[1], [1], output_activation="linear", seed=0)
    history = nn.fit(model, F, y, loss="bce", optimizer="adam", lr=0.1, epochs=100, progress=False)
    return model, history


@pytest.mark.parametrize("names", [["x1", "x2"], ["r", "theta"]])
def test_a_linear_model_cannot_separate_the_spiral_on_raw_or_polar_features(names):
    X, y = nn.data.spiral(500, noise=0.0)
    F = nn.data.features(X, names)
    model, history = train_linear_model(F, y)
    # Trained to the best a linear model can do (Newton's optimum), and still below 65%.
    assert history.loss[-1] == pytest.approx(newton_logistic_regression(F, y), abs=1e-3)
    assert nn.accuracy(model, F, y) < 0.65


def test_a_linear_model_separates_the_spiral_on_r_and_the_spiral_feature():
    X, y = nn.data.spiral(500, noise=0.0)
    F = nn.data.features(X, ["r", "spiral"])
    model, _ = train_linear_model(F, y)
    assert nn.accuracy(model, F, y) >= 0.99


def pre_activation_mean_squares(init, seed):
    X = np.random.default_rng(seed).normal(size=(8, 100))
    model = nn.MLP(100, [100] * 10, activation="relu", output_activation="relu", init=init, seed=seed)
    return np.array([np.mean(s**2) for s in nn.layer_activations(model, X, pre=True).values()])


def small_uniform(fan_in, fan_out, rng, size):
    """w ~ U(-0.1, 0.1): a "small random numbers" init, the lecture's counter-example."""
    return rng.uniform(-0.1, 0.1, size)


def test_kaiming_keeps_pre_activations_in_range_over_10_relu_layers():
    ms = pre_activation_mean_squares("kaiming", seed=0)
    ratios = ms / ms[0]
    assert len(ratios) == 10
    assert ((ratios > 1 / 3) & (ratios < 3)).all()


def test_small_uniform_weights_let_pre_activations_collapse_over_10_relu_layers():
    ms = pre_activation_mean_squares(small_uniform, seed=0)
    # Each layer multiplies the mean square by about fan_in * Var(w) / 2 = 100 * (0.01 / 3) / 2 = 1/6.
    assert ms[-1] / ms[0] < 1e-5
    assert (np.diff(np.log(ms)) < 0).all()


def mean_abs_gradient_per_layer(activation, seed):
    """Mean |dL/dw| per layer, averaged over per-example backward passes of 16 points.

    One example at a time: summed over a batch, the gradients of a deep sigmoid network
    largely cancel (it maps every point to nearly the same output), which would hide the
    layer-to-layer decay behind a batch effect.
    """
    X, y = nn.data.gauss(16, noise=0.0, seed=seed)
    model = nn.MLP(2, [16] * 10 + [1], activation=activation, init="kaiming", seed=seed)
    total = {}
    for i in range(len(X)):
        model.zero_grad()
        nn.binary_cross_entropy(model.forward_batch(X[i : i + 1]), y[i : i + 1]).backward()
        for layer, g in nn.gradient_flow(model).items():
            total[layer] = total.get(layer, 0.0) + g / len(X)
    return total


@pytest.mark.parametrize("seed", [0, 1])
def test_sigmoid_gradients_vanish_towards_the_first_layer(seed):
    flow = mean_abs_gradient_per_layer("sigmoid", seed)
    assert flow["layers.0"] * 100 < flow["layers.9"]


@pytest.mark.parametrize("seed", [0, 1])
def test_relu_with_kaiming_keeps_first_and_last_hidden_layer_gradients_within_10x(seed):
    flow = mean_abs_gradient_per_layer("relu", seed)
    assert 0.1 < flow["layers.0"] / flow["layers.9"] < 10


def test_an_mlp_memorises_40_random_labels_while_test_accuracy_stays_at_chance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1040, 10))
    y = nn.data.random_labels(1040, seed=0)
    X_train, y_train, X_test, y_test = X[:40], y[:40], X[40:], y[40:]
    model = nn.MLP(10, [32, 1], seed=0)

    def stop_when_memorised(model, history):
        if history.accuracy[-1] == 1.0:
            raise nn.StopTraining

    nn.fit(
        model,
        X_train,
        y_train,
        loss="bce",
        optimizer="adam",
        lr=0.05,
        epochs=200,
        callbacks=[stop_when_memorised],
        progress=False,
    )
    assert nn.accuracy(model, X_train, y_train) == 1.0
    assert abs(nn.accuracy(model, X_test, y_test) - 0.5) < 0.06
