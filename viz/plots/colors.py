"""TensorFlow Playground's colours: orange for one class, blue for the other, a pale grey between.

The Playground (playground.tensorflow.org) draws class -1 and negative values in orange,
class +1 and positive values in blue, and 0 in a neutral grey; nn.data writes its labels
-1 / +1 as 0 / 1, so class 0 is orange and class 1 is blue. Every picture of a network
or of its training uses these, so a student reads them the same way everywhere.
"""

from __future__ import annotations

from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb

ORANGE = "#f59322"
"""Class 0 (the Playground's -1), and negative values."""

BLUE = "#0877bd"
"""Class 1 (the Playground's +1), and positive values."""

NEUTRAL = "#e8eaeb"
"""Zero, or a probability of one half: the Playground's background grey."""

CLASS_COLORS = (ORANGE, BLUE)
"""The colour of class 0 and of class 1."""

POINT_EDGE = "#ffffff"  # the Playground outlines its points in white, so they stand out on any shade
BOUNDARY = "#333333"  # the decision boundary line (probability 1/2)

CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, NEUTRAL, BLUE])
"""Orange (low) to grey to blue (high): probabilities of class 1 in [0, 1], or signed values."""


def _faded(color: str, amount: float = 0.5) -> str:
    """color mixed with white: amount 0 keeps it, 1 gives white."""
    rgb = to_rgb(color)
    return to_hex([c + (1.0 - c) * amount for c in rgb])


BACKGROUND_CMAP = LinearSegmentedColormap.from_list(
    "playground-background", [_faded(ORANGE), NEUTRAL, _faded(BLUE)]
)
"""CMAP, paler: the background of a decision boundary, so the points drawn on it in
full colour stay visible where the model is confident (as on the Playground)."""


def signed(value: float, scale: float) -> str:
    """The colour of ``value`` on the Playground's scale: -scale is orange, 0 grey, +scale blue."""
    t = 0.5 if scale <= 0 else 0.5 + 0.5 * max(-1.0, min(1.0, value / scale))
    return to_hex(CMAP(t))


def weight_color(w: float) -> str:
    """Blue for a positive weight, orange for a negative one (as the Playground's links)."""
    return BLUE if w >= 0 else ORANGE


def scatter_classes(ax, points, labels, size: float = 20, edge_width: float = 0.6, **kwargs):
    """Draw the points of class 0 in orange and of class 1 in blue, outlined in white.

    ``labels`` are 0/1 per point; each class is labelled "class 0" / "class 1" for a legend.
    """
    for label in (0, 1):
        ax.scatter(
            *points[labels == label].T,
            s=size,
            color=CLASS_COLORS[label],
            edgecolors=POINT_EDGE,
            linewidths=edge_width,
            label=f"class {label}",
            **kwargs,
        )
