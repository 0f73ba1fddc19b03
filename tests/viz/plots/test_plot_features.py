"""plot_feature_space: the lecture's Figure 11, three panels of the same points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.colors import to_hex

import nn
import viz
from viz.plots import colors


def points_by_color(ax):
    return {to_hex(c.get_facecolors()[0]): np.asarray(c.get_offsets()) for c in ax.collections}


def test_three_panels_show_the_points_in_x1_x2_then_r_theta_then_r_spiral():
    X, y = nn.data.spiral(100, noise=0.1, seed=0)
    fig = viz.plot_feature_space(X, y)
    assert len(fig.axes) == 3
    x1, x2 = X[:, 0], X[:, 1]
    r = np.hypot(x1, x2)
    theta = np.arctan2(x1, x2)
    expected = [
        np.column_stack([x1, x2]),
        np.column_stack([r, theta]),
        np.column_stack([r, np.mod(theta - 2 * r, 2 * math.pi)]),
    ]
    for ax, coordinates in zip(fig.axes, expected):
        drawn = points_by_color(ax)
        assert set(drawn) == {colors.ORANGE, colors.BLUE}
        assert drawn[colors.ORANGE] == pytest.approx(coordinates[y == 0])
        assert drawn[colors.BLUE] == pytest.approx(coordinates[y == 1])
    assert [ax.get_xlabel() for ax in fig.axes] == ["x1", "r = √(x1² + x2²)", "r = √(x1² + x2²)"]
    assert [t.get_text() for t in fig.axes[2].get_yticklabels()] == ["0", "π", "2π"]


def test_in_r_spiral_the_two_arms_lie_in_two_bands():
    """Without noise, class 1 sits in [0, 1] and class 0 in [pi, pi + 1] (see nn.data.features)."""
    X, y = nn.data.spiral(200, seed=0)
    drawn = points_by_color(viz.plot_feature_space(X, y).axes[2])
    away_from_centre = drawn[colors.BLUE][:, 0] > 0.5
    assert np.all(drawn[colors.BLUE][away_from_centre, 1] <= 1.0)
    away_from_centre = drawn[colors.ORANGE][:, 0] > 0.5
    assert np.all(np.abs(drawn[colors.ORANGE][away_from_centre, 1] - math.pi - 0.5) <= 0.5)


def test_labels_and_points_must_agree():
    with pytest.raises(ValueError, match="10 points in X but 9 labels"):
        viz.plot_feature_space(np.zeros((10, 2)), np.zeros(9, dtype=int))
