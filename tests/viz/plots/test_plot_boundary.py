"""plot_decision_boundary and plot_hidden_space: the pictures checked against the model's own numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet

import nn
import viz
from viz.plots import colors, plane

FEATURES = ["r", "spiral"]


@pytest.fixture(scope="module")
def spiral():
    X, y = nn.data.spiral(200, noise=0.1, seed=0)
    return X, y


@pytest.fixture(scope="module")
def neuron_on_features(spiral):
    """One neuron trained on (r, spiral): the lecture's claim is that it separates the spiral."""
    X, y = spiral
    model = nn.MLP(2, [1], seed=0)
    nn.fit(
        model,
        nn.data.features(X, FEATURES),
        y,
        optimizer="adam",
        lr=0.05,
        epochs=40,
        batch_size=10,
        progress=False,
    )
    return model


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def by_hand(model, X):
    """P(class 1) of a one-neuron MLP on (r, spiral), from its weights with numpy alone."""
    x1, x2 = X[:, 0], X[:, 1]
    r = np.sqrt(x1**2 + x2**2)
    spiral = np.mod(np.arctan2(x1, x2) - 2 * r, 2 * np.pi)
    neuron = model.layers[0].neurons[0]
    z = neuron.b.data + neuron.w[0].data * r + neuron.w[1].data * spiral
    return sigmoid(z)


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_the_axes_cover_the_data_with_a_tenth_of_its_span_around(neuron_on_features, spiral):
    X, y = spiral
    ax = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = (high - low) * 0.1
    assert ax.get_xlim() == pytest.approx((low[0] - pad[0], high[0] + pad[0]))
    assert ax.get_ylim() == pytest.approx((low[1] - pad[1], high[1] + pad[1]))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")


def test_the_heatmap_is_the_probability_of_class_1_at_every_grid_point(neuron_on_features, spiral):
    X, y = spiral
    ax = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES, resolution=40)
    image = ax.images[0]
    xs, ys, points = plane.grid(X, 40)
    assert image.get_array().shape == (40, 40)
    assert np.asarray(image.get_array()) == pytest.approx(by_hand(neuron_on_features, points).reshape(40, 40))
    half_x, half_y = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2  # each value sits at its pixel's centre
    assert image.get_extent() == pytest.approx(
        [xs[0] - half_x, xs[-1] + half_x, ys[0] - half_y, ys[-1] + half_y]
    )
    assert image.origin == "lower"
    assert (image.norm.vmin, image.norm.vmax) == (0.0, 1.0)


def test_the_boundary_classifies_the_training_points_as_predict_does(neuron_on_features, spiral):
    """Read the picture under each training point: its class is the class the model predicts there."""
    X, y = spiral
    resolution = 200
    ax = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES, resolution=resolution)
    picture = np.asarray(ax.images[0].get_array())
    x0, x1, y0, y1 = ax.images[0].get_extent()
    cols = np.floor((X[:, 0] - x0) / (x1 - x0) * resolution).astype(int)  # the pixel each point falls in
    rows = np.floor((X[:, 1] - y0) / (y1 - y0) * resolution).astype(int)
    drawn = picture[rows, cols] > 0.5
    predicted = neuron_on_features.predict(nn.data.features(X, FEATURES)) > 0
    assert np.mean(drawn == predicted) >= 0.97  # only pixels straddling the boundary may differ
    # ... and the model separates the spiral, as the lecture claims for one neuron on these features
    assert np.mean(predicted == (y == 1)) >= 0.9


def test_the_decision_boundary_is_the_contour_at_one_half(neuron_on_features, spiral):
    X, y = spiral
    ax = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and list(contours[0].levels) == [0.5]


def test_points_wear_the_playground_colours_of_their_class(neuron_on_features, spiral):
    X, y = spiral
    ax = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES)
    found = {}
    for collection in scatters(ax):
        (color,) = {to_hex(c) for c in collection.get_facecolors()}
        found[color] = collection.get_offsets()
    assert set(found) == {colors.ORANGE, colors.BLUE}
    assert np.asarray(found[colors.ORANGE]) == pytest.approx(X[y == 0])
    assert np.asarray(found[colors.BLUE]) == pytest.approx(X[y == 1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_features_by_function_draw_the_same_picture_as_by_name(neuron_on_features, spiral):
    X, y = spiral
    by_name = viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES, resolution=30)
    by_function = viz.plot_decision_boundary(
        neuron_on_features, X, y, features=lambda P: nn.data.features(P, FEATURES), resolution=30
    )
    assert np.array_equal(by_name.images[0].get_array(), by_function.images[0].get_array())


def test_the_grid_is_evaluated_once_with_predict(neuron_on_features, spiral, monkeypatch):
    X, y = spiral
    calls = []
    original = neuron_on_features.predict

    def predict(inputs):
        calls.append(np.shape(inputs))
        return original(inputs)

    monkeypatch.setattr(neuron_on_features, "predict", predict)
    viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES, resolution=25)
    assert calls == [(25 * 25, 2)]


def test_it_draws_on_the_axes_it_is_given_and_makes_no_figure(neuron_on_features, spiral):
    X, y = spiral
    fig, ax = plt.subplots()
    before = plt.get_fignums()
    assert viz.plot_decision_boundary(neuron_on_features, X, y, features=FEATURES, ax=ax) is ax
    assert plt.get_fignums() == before


def test_regression_targets_show_the_output_itself_centred_on_zero():
    X, y = nn.data.plane(60, seed=0)
    model = nn.MLP(2, [1], seed=0)
    ax = viz.plot_decision_boundary(model, X, y, resolution=20)
    _, _, points = plane.grid(X, 20)
    neuron = model.layers[0].neurons[0]
    expected = neuron.b.data + points @ np.array([w.data for w in neuron.w])
    assert np.asarray(ax.images[0].get_array()) == pytest.approx(expected.reshape(20, 20))
    norm = ax.images[0].norm
    assert norm.vcenter == 0.0 and norm.vmin == -norm.vmax


def test_a_model_of_other_inputs_needs_features():
    model = nn.MLP(3, [1], seed=0)
    X, y = nn.data.spiral(20, seed=0)
    with pytest.raises(ValueError, match=r"reads 3 inputs.*features="):
        viz.plot_decision_boundary(model, X, y)


def test_points_must_be_pairs():
    with pytest.raises(ValueError, match=r"shape \(n, 2\), got shape \(4, 3\)"):
        viz.plot_decision_boundary(nn.MLP(2, [1]), np.zeros((4, 3)), np.zeros(4))


@pytest.fixture(scope="module")
def moons_net():
    """A network with a 2-unit layer before its output, trained on the moons."""
    X, y = nn.data.moons(120, noise=0.1, seed=0)
    model = nn.MLP(2, [6, 2, 1], activation="tanh", seed=1)
    nn.fit(model, X, y, optimizer="adam", lr=0.03, epochs=40, batch_size=20, progress=False)
    return model, X, y


def test_the_hidden_space_shows_the_data_at_the_layer_s_outputs(moons_net):
    model, X, y = moons_net
    ax = viz.plot_hidden_space(model, X, y, "layers.1", lines=7)
    hidden = nn.layer_activations(model.eval(), X)["layers.1"]
    model.train()
    offsets = {to_hex(c.get_facecolors()[0]): np.asarray(c.get_offsets()) for c in scatters(ax)}
    assert offsets[colors.ORANGE] == pytest.approx(hidden[y == 0])
    assert offsets[colors.BLUE] == pytest.approx(hidden[y == 1])
    grid_lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(grid_lines) == 2 * 7
    assert "layers.1" in ax.get_xlabel()


def test_the_next_layer_s_boundary_is_the_line_w_h_plus_b_equals_zero(moons_net):
    model, X, y = moons_net
    ax = viz.plot_hidden_space(model, X, y, -2)  # an index works as the name does
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    neuron = model.layers[-1].neurons[0]
    h = np.column_stack(line.get_data())
    z = neuron.b.data + h @ np.array([w.data for w in neuron.w])
    assert z == pytest.approx(np.zeros(2), abs=1e-9)


def test_a_three_unit_layer_is_drawn_in_three_dimensions():
    X, y = nn.data.moons(30, seed=0)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    ax = viz.plot_hidden_space(model, X, y, "layers.0")
    assert ax.name == "3d"


def test_the_hidden_space_refuses_a_layer_it_cannot_draw(moons_net):
    model, X, y = moons_net
    with pytest.raises(ValueError, match="2 or 3 units; 'layers.0' has 6"):
        viz.plot_hidden_space(model, X, y, "layers.0")
    with pytest.raises(ValueError, match="unknown layer 'layers.9'"):
        viz.plot_hidden_space(model, X, y, "layers.9")


@pytest.mark.parametrize(
    "activation, outputs, expected",
    [
        ("linear", [-2.0, 0.0, 3.0], sigmoid(np.array([-2.0, 0.0, 3.0]))),  # a logit
        ("sigmoid", [0.1, 0.5, 0.9], [0.1, 0.5, 0.9]),  # already a probability
        ("tanh", [-1.0, 0.0, 0.6], [0.0, 0.5, 0.8]),  # (t + 1) / 2
    ],
)
def test_one_output_is_read_as_fit_reads_it(activation, outputs, expected):
    model = nn.MLP(2, [1], output_activation=activation, seed=0)
    assert plane.class1_probability(model, np.array(outputs)) == pytest.approx(expected)


def test_two_outputs_are_read_as_a_softmax_and_more_are_refused():
    model = nn.MLP(2, [2], seed=0)
    logits = np.array([[0.0, 0.0], [1.0, 3.0]])
    assert plane.class1_probability(model, logits) == pytest.approx(
        [0.5, np.exp(3) / (np.exp(1) + np.exp(3))]
    )
    with pytest.raises(ValueError, match="1 or 2 outputs, got 3"):
        plane.class1_probability(nn.MLP(2, [3], seed=0), np.zeros((2, 3)))


def test_the_picture_of_a_two_output_model_is_its_softmax(spiral):
    X, y = spiral
    model = nn.MLP(2, [2], seed=3)
    ax = viz.plot_decision_boundary(model, X, y, resolution=12)
    _, _, points = plane.grid(X, 12)
    logits = model.predict(points)
    assert np.asarray(ax.images[0].get_array()).ravel() == pytest.approx(sigmoid(logits[:, 1] - logits[:, 0]))
