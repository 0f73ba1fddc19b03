"""plot_loss_landscape: the loss around the trained weights, weights put back exactly."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.contour import ContourSet

import nn
import viz
from viz.plot_landscape import neuron_directions


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
