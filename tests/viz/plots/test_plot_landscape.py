"""plot_loss_landscape: the loss around the trained weights, weights put back exactly."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.contour import ContourSet

import nn
import viz
from viz.plots.landscape import neuron_directions


@pytest.fixture(scope="module")
def trained():
    X, y = nn.data.moons(60, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    nn.fit(model, X, y, optimizer="adam", lr=0.05, epochs=20, progress=False)
    return model, X, y


def bce(model, X, y):
    """Binary cross-entropy from logits, by hand: mean of log(1 + e^z) - t z."""
    z = model.predict(X)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def test_the_line_passes_through_the_trained_loss_and_the_weights_come_back_exactly(trained):
    model, X, y = trained
    before = model.state_dict()
    ax = viz.plot_loss_landscape(model, X, y, "bce", dims=1, steps=21)
    assert model.state_dict() == before
    curve = ax.get_lines()[0]
    assert list(curve.get_xdata()) == pytest.approx(np.linspace(-1, 1, 21))
    assert curve.get_ydata()[10] == pytest.approx(bce(model, X, y))
    assert curve.get_ydata().min() >= 0


def test_the_ends_of_the_line_are_the_loss_of_the_moved_weights(trained):
    model, X, y = trained
    ax = viz.plot_loss_landscape(model, X, y, "bce", dims=1, steps=3, span=0.5, seed=7)
    direction = neuron_directions(model, np.random.default_rng(7))
    for p, step in direction.items():
        p.data += 0.5 * step
    moved = bce(model, X, y)
    for p, step in direction.items():
        p.data -= 0.5 * step
    assert ax.get_lines()[0].get_ydata()[2] == pytest.approx(moved, rel=1e-9)


def test_each_neuron_s_step_is_as_long_as_its_weights(trained):
    model, _, _ = trained
    direction = neuron_directions(model, np.random.default_rng(0))
    for layer in model.layers:
        for neuron in layer.neurons:
            w = np.array([p.data for p in neuron.w])
            d = np.array([direction[p] for p in neuron.w])
            assert np.linalg.norm(d) == pytest.approx(np.linalg.norm(w))
            assert neuron.b not in direction


def test_a_surface_is_drawn_for_two_directions(trained):
    model, X, y = trained
    before = model.state_dict()
    ax = viz.plot_loss_landscape(model, X, y, "bce", dims=2, steps=5)
    assert model.state_dict() == before
    surfaces = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(surfaces) == 2  # filled, and the lines over it
    assert ax.get_xlim() == pytest.approx((-1, 1)) and ax.get_ylim() == pytest.approx((-1, 1))


def test_bad_dimensions_are_refused(trained):
    model, X, y = trained
    with pytest.raises(ValueError, match="dims must be 1"):
        viz.plot_loss_landscape(model, X, y, "bce", dims=3)


def test_two_models_on_one_line_plot_keep_their_labels_and_colours(trained):
    model, X, y = trained
    other = nn.MLP(2, [4, 1], activation="tanh", seed=1)
    ax = viz.plot_loss_landscape(model, X, y, label="trained", color="#0877bd")
    viz.plot_loss_landscape(other, X, y, ax=ax, label="untrained", color="#f59322")
    curves = [line for line in ax.get_lines() if line.get_label() in ("trained", "untrained")]
    assert [(c.get_label(), c.get_color()) for c in curves] == [
        ("trained", "#0877bd"),
        ("untrained", "#f59322"),
    ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["trained", "untrained"]


def test_surfaces_with_the_same_vmax_share_one_colour_scale(trained):
    model, X, y = trained
    ax = viz.plot_loss_landscape(model, X, y, dims=2, steps=5, vmax=3.0)
    filled = next(c for c in ax.collections if isinstance(c, ContourSet) and c.filled)
    assert filled.levels[0] == 0.0 and filled.levels[-1] == 3.0 and len(filled.levels) == 21
