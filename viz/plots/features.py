"""The lecture's Figure 11: the spiral in three coordinate systems, from tangled to separable."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

import nn

from . import colors, plane

PANELS = (
    (("x1", "x2"), "the raw inputs (x1, x2)"),
    (("r", "theta"), "polar coordinates (r, θ)"),
    (("r", "spiral"), "(r, (θ − 2r) mod 2π)"),
)
"""Each panel's pair of features (names in nn.data.FEATURES) and its title."""


def plot_feature_space(X, y, fig=None):
    """Three panels: the points in (x1, x2), in (r, theta), and in (r, (theta - 2r) mod 2 pi).

    The lecture's point about feature engineering: the two spirals are tangled in the
    plane, turn into slanted stripes in polar coordinates, and become two flat bands in
    (r, (theta - 2r) mod 2 pi), where one straight line separates them: a single neuron
    is then enough. Returns the figure (its three axes in ``fig.axes``).
    """
    X = plane.as_points(X, "plot_feature_space")
    labels = plane.class_labels(y)
    if len(labels) != len(X):
        raise ValueError(f"plot_feature_space: {len(X)} points in X but {len(labels)} labels in y")
    fig = fig if fig is not None else plt.figure(figsize=(13, 4.4), layout="constrained")
    axes = fig.subplots(1, len(PANELS))
    for ax, (names, title) in zip(axes, PANELS):
        F = nn.data.features(X, names)
        colors.scatter_classes(ax, F, labels, size=16, edge_width=0.5)
        ax.set_xlabel(nn.data.FEATURES[names[0]].formula)
        ax.set_ylabel(nn.data.FEATURES[names[1]].formula)
        ax.set_title(title)
        if names == ("x1", "x2"):
            ax.set_aspect("equal", adjustable="datalim")
        else:
            _angle_ticks(ax, names[1])
    axes[0].legend(loc="upper right", fontsize=8, framealpha=0.85)
    return fig


def _angle_ticks(ax, name):
    """Ticks at multiples of pi on an angle axis (theta in (-pi, pi], the spiral feature in [0, 2 pi))."""
    if name == "theta":
        ticks, text = [-math.pi, 0.0, math.pi], ["−π", "0", "π"]
    else:
        ticks, text = [0.0, math.pi, 2 * math.pi], ["0", "π", "2π"]
    ax.set_yticks(ticks, text)
    ax.set_ylim(min(ticks) - 0.3, max(ticks) + 0.3)
