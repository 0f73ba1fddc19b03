"""What a trained network says over the input plane, and how its hidden layer bends that plane."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.ticker import MaxNLocator

import nn

from . import colors, plane

LEGEND_BELOW = {
    "loc": "upper center",
    "bbox_to_anchor": (0.5, -0.13),
    "ncol": 2,
    "fontsize": 9,
    "frameon": False,
}


def plot_decision_boundary(model: nn.Module, X, y, features=None, ax=None, resolution: int = 100, title=None):
    """The model's output over the input plane as a heatmap, with the points (X, y) on top.

    The lecture's Playground pictures: a network is a function of (x1, x2), and its
    decision boundary (the line where P(class 1) = 1/2) is what training bends around
    the data. ``features`` maps (x1, x2) to the model's inputs (None, names such as
    ["r", "spiral"], or a function of the points (n, 2)), so a network trained on
    engineered features is still drawn in the plane of the raw inputs. For class labels
    the heatmap is P(class 1), orange 0 to blue 1 (see ``plane.class1_probability``);
    for regression targets it is the output itself. Returns the axes.
    """
    X = plane.as_points(X, "plot_decision_boundary")
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"plot_decision_boundary: {len(X)} points in X but {len(y)} targets in y")
    ax = ax if ax is not None else plt.figure(figsize=(5.2, 5.9), layout="constrained").add_subplot()
    xs, ys, points = plane.grid(X, resolution)
    out = plane.outputs(model, plane.model_inputs(model, points, features))
    # Each value belongs to the centre of its pixel: the image reaches half a pixel beyond the grid.
    dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    extent = (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)
    if nn.checks.is_classification(y, model.nout):
        surface = plane.class1_probability(model, out).reshape(resolution, resolution)
        ax.imshow(
            surface,
            origin="lower",
            extent=extent,
            cmap=colors.BACKGROUND_CMAP,
            vmin=0.0,
            vmax=1.0,
            aspect="auto",
        )
        if surface.min() < 0.5 < surface.max():
            ax.contour(xs, ys, surface, levels=[0.5], colors=colors.BOUNDARY, linewidths=1.2)
        labels = plane.class_labels(y)
        colors.scatter_classes(ax, X, labels, size=22, edge_width=0.8, zorder=3)
        ax.legend(**LEGEND_BELOW)
    else:
        surface = np.asarray(out, dtype=float).reshape(resolution, resolution)
        scale = max(np.abs(surface).max(), np.abs(y.astype(float)).max(), 1e-12)
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-scale, vmax=scale)
        ax.imshow(
            surface, origin="lower", extent=extent, cmap=colors.BACKGROUND_CMAP, norm=norm, aspect="auto"
        )
        ax.scatter(
            X[:, 0],
            X[:, 1],
            s=22,
            c=y,
            cmap=colors.CMAP,
            norm=norm,
            edgecolors=colors.POINT_EDGE,
            linewidths=0.8,
        )
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_hidden_space(model: nn.Module, X, y, layer, features=None, ax=None, lines: int = 13):
    """How one layer of 2 (or 3) units moves the input plane and the data: its outputs as coordinates.

    The lecture's "neural networks and topology" slide: a straight grid over (x1, x2) is
    carried through the network up to ``layer`` (a layer's name, such as "layers.1", or
    its index in ``nn.layer_activations``), where it comes out bent and stretched; the
    classes that were tangled in the plane are pulled apart until the next layer can cut
    them with a straight line. When ``layer`` feeds a final one-output layer, that line
    (w . h + b = 0) is drawn too. ``lines`` grid lines run each way. Returns the axes
    (3-D axes for a 3-unit layer).
    """
    X = plane.as_points(X, "plot_hidden_space")
    labels = plane.class_labels(y) if nn.checks.is_classification(y, model.nout) else None
    xs, ys, _ = plane.grid(X, 2, margin=0.05)
    along = np.linspace(0.0, 1.0, 80)
    across, up = xs[0] + (xs[1] - xs[0]) * along, ys[0] + (ys[1] - ys[0]) * along
    grid_lines = [np.column_stack([np.full_like(along, x), up]) for x in np.linspace(*xs, lines)]
    grid_lines += [np.column_stack([across, np.full_like(along, v)]) for v in np.linspace(*ys, lines)]
    points = np.concatenate(grid_lines + [X])
    name, moved = _layer(plane.activations(model, plane.model_inputs(model, points, features)), layer)
    width = moved.shape[1]
    if width not in (2, 3):
        raise ValueError(f"plot_hidden_space draws a layer of 2 or 3 units; {name!r} has {width}")
    curves, data = np.split(moved, [len(along) * len(grid_lines)])
    if ax is None:
        fig = plt.figure(figsize=(5, 5), layout="constrained")
        ax = fig.add_subplot(projection="3d" if width == 3 else None)
    for curve in np.split(curves, len(grid_lines)):
        ax.plot(*curve.T, color="#9a9a9a", linewidth=0.6, zorder=1)
    if labels is None:
        ax.scatter(*data.T, s=18, c=np.asarray(y, float), cmap=colors.CMAP, edgecolors=colors.POINT_EDGE)
    else:
        colors.scatter_classes(ax, data, labels, size=18, zorder=3)
        ax.legend(**LEGEND_BELOW)
    if width == 2:
        _next_line(model, name, ax, moved)
    units = [f"h{i + 1}" for i in range(width)]
    ax.set_xlabel(f"{name}: {units[0]}")
    ax.set_ylabel(f"{name}: {units[1]}")
    if width == 3:
        ax.set_zlabel(f"{name}: {units[2]}")
        ax.set_box_aspect(None, zoom=0.9)  # room for the z label, which 3-D axes place outside their box
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_major_locator(MaxNLocator(4))  # fewer, shorter tick labels: they crowd in 3-D
    return ax


def _layers(model):
    return [m for _, m in model.named_modules() if isinstance(m, nn.Layer)]


def _layer(found, layer):
    """(name, activations) of the layer asked for, by name or by index in ``nn.layer_activations``."""
    names = list(found)
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(names) <= layer < len(names):
            raise ValueError(
                f"layer index {layer} is out of range: the model has {len(names)} layers, {names}"
            )
        layer = names[layer]
    if layer not in found:
        raise ValueError(f"unknown layer {layer!r}; expected a name from {names} or an index")
    return layer, found[layer]


def _next_line(model, name, ax, moved):
    """The straight line the next layer draws in this space, if it is the last one with one output."""
    layers = _layers(model)
    names = [m.scope_name for m in layers]
    if name not in names or names.index(name) != len(layers) - 2 or layers[-1].nout != 1:
        return
    neuron = layers[-1].neurons[0]
    (w1, w2), b = (w.data for w in neuron.w), (neuron.b.data if neuron.b is not None else 0.0)
    left, right = moved[:, 0].min(), moved[:, 0].max()
    bottom, top = moved[:, 1].min(), moved[:, 1].max()
    if abs(w2) >= abs(w1):
        h1 = np.array([left, right])
        h2 = -(b + w1 * h1) / w2
    else:
        h2 = np.array([bottom, top])
        h1 = -(b + w2 * h2) / w1
    ax.plot(
        h1, h2, color=colors.BOUNDARY, linewidth=1.5, linestyle="--", label="next layer's boundary", zorder=4
    )
    pad_x, pad_y = 0.05 * (right - left or 1.0), 0.05 * (top - bottom or 1.0)
    ax.set_xlim(left - pad_x, right + pad_x)
    ax.set_ylim(bottom - pad_y, top + pad_y)
    ax.legend(**{**LEGEND_BELOW, "ncol": 3})
