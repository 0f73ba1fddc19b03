"""plot_activations and plot_activation_histograms: curves and counts checked against formulas and data."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

import nn
import viz
from viz.plots.activations import activation_curve


def curves(ax):
    """(s, f(s), f'(s)) as drawn: the solid line and the dashed one."""
    (solid,) = [x for x in ax.get_lines() if x.get_linestyle() == "-" and len(x.get_xdata()) > 2]
    (dashed,) = [x for x in ax.get_lines() if x.get_linestyle() == "--"]
    return solid.get_xdata(), solid.get_ydata(), dashed.get_ydata()


def sigmoid(s):
    return 1 / (1 + np.exp(-s))


HAND = {
    "sigmoid": (sigmoid, lambda s: sigmoid(s) * (1 - sigmoid(s))),
    "tanh": (np.tanh, lambda s: 1 - np.tanh(s) ** 2),
    "relu": (lambda s: np.maximum(s, 0), lambda s: (s > 0).astype(float)),
    "softplus": (lambda s: np.log1p(np.exp(s)), sigmoid),
    "elu": (lambda s: np.where(s > 0, s, np.expm1(s)), lambda s: np.where(s > 0, 1.0, np.exp(s))),
    "leaky_relu": (lambda s: np.where(s > 0, s, 0.01 * s), lambda s: np.where(s > 0, 1.0, 0.01)),
}


def test_the_gallery_has_one_panel_per_activation_but_linear():
    fig = viz.plot_activations()
    titles = [ax.get_title().split()[0] for ax in fig.axes]
    assert titles == [name for name in nn.ACTIVATIONS if name != "linear"]
    assert len(fig.axes) == 6


@pytest.mark.parametrize("name", list(HAND))
def test_each_curve_and_its_derivative_are_the_hand_formulas(name):
    fig = viz.plot_activations([name])
    s, f, slope = curves(fig.axes[0])
    function, derivative = HAND[name]
    assert f == pytest.approx(function(s), abs=1e-12)
    away_from_kink = np.abs(s) > 1e-9  # relu and leaky_relu have no derivative at 0 itself
    assert slope[away_from_kink] == pytest.approx(derivative(s)[away_from_kink], abs=1e-12)


def test_the_derivative_matches_finite_differences_of_the_curve():
    s = np.linspace(-3, 3, 12)  # not through 0, where relu and leaky_relu have a kink
    for name in HAND:
        _, slope = activation_curve(name, s)
        h = 1e-6
        numeric = (activation_curve(name, s + h)[0] - activation_curve(name, s - h)[0]) / (2 * h)
        assert slope == pytest.approx(numeric, abs=1e-6), name


def test_only_the_saturating_activations_get_a_band_where_the_derivative_is_tiny():
    fig = viz.plot_activations(["sigmoid", "tanh", "relu"])
    for ax in fig.axes:
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        saturating = ax.get_title().endswith("(saturates)")
        assert saturating == (ax.get_title().split()[0] in ("sigmoid", "tanh"))
        assert len(bands) == (1 if saturating else 0)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["h = f(s)", "f′(s), computed by backward", "saturated: f′(s) < 1/10 of its peak"]


def test_an_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'; expected one of: linear, sigmoid"):
        viz.plot_activations(["swish"])


def test_one_histogram_per_layer_counting_every_unit_on_every_example():
    X, _ = nn.data.spiral(50, seed=0)
    model = nn.MLP(2, [8, 6, 1], activation="relu", seed=0)
    found = nn.layer_activations(model, X)
    everything = np.concatenate([values.ravel() for values in found.values()])
    for sharex in (True, False):
        fig = viz.plot_activation_histograms(model, X, bins=20, sharex=sharex)
        assert len(fig.axes) == 3
        for ax, (name, values) in zip(fig.axes, found.items()):
            heights = [p.get_height() for p in ax.patches]
            assert sum(heights) == values.size
            left = min(p.get_x() for p in ax.patches)
            right = max(p.get_x() + p.get_width() for p in ax.patches)
            # One range for every layer (a collapsed layer is a spike), or each layer's own.
            expected = everything if sharex else values
            assert (left, right) == pytest.approx((expected.min(), expected.max()))
            assert ax.get_title().startswith(name)
    zeros = np.mean(found["layers.0"] == 0)
    assert f"{zeros:.0%} zero" in fig.axes[0].get_title()


def test_histograms_of_a_tanh_network_report_saturation():
    X, _ = nn.data.spiral(40, seed=0)
    model = nn.MLP(2, [5, 1], activation="tanh", init="uniform", seed=0)
    fig = viz.plot_activation_histograms(model, X * 10)
    values = nn.layer_activations(model, X * 10)["layers.0"]
    assert f"{np.mean(np.abs(values) > 0.97):.0%} saturated" in fig.axes[0].get_title()
