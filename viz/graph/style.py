"""How a computation graph looks: node kinds, colours, number format, the gradient scale, legends.

One place for every visual choice, so the static pictures, the step player and the
slides restyled through CSS classes all agree. Colours are light fills with dark text,
readable on a projector and in print; kinds also differ by outline (double, dashed,
bold), so they stay distinguishable in black and white.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import autograd

FONT = "Helvetica"  # graphviz writes "Helvetica,sans-Serif" into SVG; every browser has one
FONT_SIZE = "14"
OP_FONT_SIZE = "16"
EDGE_FONT_SIZE = "12"
WORD_FONT_SIZE = "11"  # the words "data" and "grad", smaller than the numbers
LOCAL_GRAD_COLOR = "#7a1fa2"  # the numbers on edges (local derivatives)
EDGE_COLOR = "#555555"

KINDS = ("input", "parameter", "constant", "intermediate", "output")
"""The kinds of value node, in the order the legend lists them."""


@dataclass(frozen=True)
class NodeStyle:
    """Graphviz attributes of one kind of node."""

    fill: str
    border: str
    style: str
    penwidth: str = "1.2"
    peripheries: str = "1"


STYLES = {
    "input": NodeStyle("#cfe8ff", "#1f5fa8", "rounded,filled"),
    "parameter": NodeStyle("#ffdca0", "#a35c00", "filled", peripheries="2"),
    "constant": NodeStyle("#ececec", "#6b6b6b", "rounded,dashed,filled"),
    "intermediate": NodeStyle("#ffffff", "#444444", "filled"),
    "output": NodeStyle("#c6efc6", "#1b7a1b", "filled", penwidth="3"),
    "op": NodeStyle("#ece3ff", "#5b34a8", "filled"),
    "group": NodeStyle("#fff6d6", "#8a6d00", "rounded,filled", penwidth="1.6"),
}

DESCRIPTIONS = {
    "input": "input",
    "parameter": "parameter (weight, bias)",
    "constant": "constant",
    "intermediate": "intermediate result",
    "output": "output",
}


def kind_of(node: autograd.Value, outputs) -> str:
    """input, parameter, constant, intermediate or output: what the node is in this graph."""
    if node in outputs:
        return "output"
    if not node.is_leaf:
        return "intermediate"
    if isinstance(node, autograd.Parameter):
        return "parameter"
    if isinstance(node, autograd.Constant):
        return "constant"
    return "input"


def number(x: float | None) -> str:
    """A number as the pictures print it: 4 decimals, scientific outside [0.001, 100000)."""
    if x is None:
        return "?"
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.4f}"
    return f"{x:.3e}"


def escape(text: str, limit: int = 40) -> str:
    """Text for a graphviz HTML-like label: escaped, and cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


# Gradient scale: |grad| on a log scale, from pale yellow (tiny) to dark red (largest).
# YlOrRd from ColorBrewer: sequential, ordered in lightness, readable in greyscale.
_SCALE = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026")
ZERO_FILL = "#ffffff"
ZERO_EDGE = "#c8c8c8"


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _mix(t: float) -> str:
    """The colour at position t in [0, 1] along the scale, linearly between its stops."""
    t = min(max(t, 0.0), 1.0) * (len(_SCALE) - 1)
    i = min(int(t), len(_SCALE) - 2)
    f = t - i
    lo, hi = _hex(_SCALE[i]), _hex(_SCALE[i + 1])
    return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(lo, hi))


def luminance(color: str) -> float:
    """Relative luminance of '#rrggbb' (0 black .. 1 white), to pick a readable text colour."""

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


class GradScale:
    """Maps |grad| to a colour on a log scale: t = (log10|g| - low) / (high - low).

    ``low`` and ``high`` are whole decades around the smallest and largest non-zero
    |grad| in the picture (at most 8 decades below the largest: anything smaller is
    drawn as the palest colour). A gradient of exactly 0 is white.
    """

    DECADES = 8

    def __init__(self, magnitudes):
        nonzero = [abs(g) for g in magnitudes if g and math.isfinite(g)]
        if not nonzero:
            self.low, self.high = -1, 0
            self.empty = True
            return
        self.empty = False
        self.high = math.ceil(math.log10(max(nonzero)))
        self.low = max(math.floor(math.log10(min(nonzero))), self.high - self.DECADES)
        if self.low == self.high:
            self.low -= 1

    def position(self, g: float) -> float | None:
        """Where |g| sits on the scale, 0..1 (None for 0 or not finite)."""
        if not g or not math.isfinite(g):
            return None
        t = (math.log10(abs(g)) - self.low) / (self.high - self.low)
        return min(max(t, 0.0), 1.0)

    def fill(self, g: float) -> str:
        t = self.position(g)
        return ZERO_FILL if t is None else _mix(t)

    def edge(self, g: float) -> tuple[str, str]:
        """(colour, penwidth) of an edge carrying gradient g: darker and thicker when larger."""
        t = self.position(g)
        if t is None:
            return ZERO_EDGE, "1"
        return _mix(0.3 + 0.7 * t), f"{1 + 3 * t:.2f}"

    def legend(self) -> str:
        """HTML-like label: one swatch per decade, the words 'no gradient' for 0."""
        head = '<tr><td colspan="{n}"><b>|grad|</b> (log scale)</td></tr>'
        if self.empty:
            return (
                '<table border="0" cellspacing="2" cellpadding="4">'
                + head.format(n=1)
                + '<tr><td bgcolor="#ffffff" border="1">0 everywhere: call backward() first</td></tr></table>'
            )
        cells = [f'<td bgcolor="{ZERO_FILL}" border="1">0</td>']
        for k in range(self.low, self.high + 1):
            color = _mix((k - self.low) / (self.high - self.low))
            text = "#ffffff" if luminance(color) < 0.25 else "#000000"
            cells.append(f'<td bgcolor="{color}" border="1"><font color="{text}">1e{k}</font></td>')
        return (
            '<table border="0" cellspacing="2" cellpadding="4">'
            + head.format(n=len(cells))
            + "<tr>"
            + "".join(cells)
            + "</tr></table>"
        )


def text_color(fill: str) -> str:
    """Black on light fills, white on dark ones."""
    return "#ffffff" if luminance(fill) < 0.25 else "#000000"


def kinds_legend(kinds, local_grads: bool) -> str:
    """HTML-like label naming the node kinds present, styled as the nodes are."""
    cells = []
    for kind in KINDS:
        if kind in kinds:
            s = STYLES[kind]
            cells.append(f'<td bgcolor="{s.fill}" border="1" color="{s.border}">{DESCRIPTIONS[kind]}</td>')
    if "op" in kinds:
        s = STYLES["op"]
        cells.append(f'<td bgcolor="{s.fill}" border="1" color="{s.border}">op</td>')
    if "group" in kinds:
        s = STYLES["group"]
        cells.append(f'<td bgcolor="{s.fill}" border="1" color="{s.border}">neuron / layer</td>')
    rows = "<tr>" + "".join(cells) + "</tr>"
    if local_grads:
        rows += (
            f'<tr><td colspan="{len(cells)}"><font color="{LOCAL_GRAD_COLOR}">'
            "numbers on edges: local derivative d out / d in</font></td></tr>"
        )
    return f'<table border="0" cellspacing="3" cellpadding="4">{rows}</table>'
