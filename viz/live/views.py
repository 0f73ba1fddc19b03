"""The Playground's live views as light SVG text: the plane with its points, the loss curves, the network.

Each refresh only re-encodes small pictures (heat maps as PNG data URIs) and writes a
few hundred SVG elements: a few milliseconds for the Playground's default, where one
matplotlib figure of the plane per refresh costs over a hundred
(``benchmarks/playground.py`` measures both, and the training between refreshes).
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from matplotlib.image import imsave

from ..plots import colors

SIZE = 300  # the plane's picture, in pixels
UNIT = 36  # one unit's picture in the network diagram


def heat_map_uri(values: np.ndarray, low: float = 0.0, high: float = 1.0) -> str:
    """A (rows, columns) array as a PNG data URI in the Playground's orange-grey-blue."""
    buf = io.BytesIO()
    imsave(buf, np.clip(values, low, high), cmap=colors.BACKGROUND_CMAP, vmin=low, vmax=high, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def points_svg(
    points, labels, extent, size: int = SIZE, hollow: bool = False, regression: bool = False
) -> str:
    """One circle per point, coloured by class (or value); test points drawn hollow, as on the Playground."""
    low, high = extent
    scale = size / (high - low)
    out = []
    for (x1, x2), label in zip(points, labels):
        color = colors.signed(float(label), 1.0) if regression else colors.CLASS_COLORS[int(label)]
        cx, cy = (x1 - low) * scale, (high - x2) * scale
        fill = "white" if hollow else color
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{fill}" stroke="{color}" stroke-width="1"/>'
        )
    return "".join(out)


def plane_svg(heat_uri: str, points: str, size: int = SIZE) -> str:
    """The decision boundary picture: the heat map under the points."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" class="plane" '
        f'style="flex-shrink: 0"><image href="{heat_uri}" width="{size}" height="{size}" '
        f'preserveAspectRatio="none"/>{points}</svg>'
    )


def loss_svg(train, test, width: int = 300, height: int = 80) -> str:
    """The training (dark) and test (grey) loss over the epochs as two polylines, with their last values."""
    top = max(max(train), max(test), 1e-12)
    n = max(len(train) - 1, 1)

    def line(values, color):
        pts = " ".join(
            f"{i * width / n:.1f},{height - v / top * (height - 4):.1f}" for i, v in enumerate(values)
        )
        return f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="1.5"/>'

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 16}" class="losses">'
        f"{line(test, '#999999')}{line(train, '#333333')}"
        f'<text x="0" y="{height + 13}" font-size="11">training loss {train[-1]:.3f} · '
        f"test loss {test[-1]:.3f}</text></svg>"
    )


def network_svg(feature_names, unit_uris, weights, chosen=None) -> str:
    """The network diagram: a picture per input and unit, links coloured by sign and sized by |weight|.

    ``unit_uris[k]`` are layer k's pictures (layer 0 the inputs); ``weights[k]`` the
    (width of layer k+1, width of layer k) weight matrix; ``chosen`` (layer, unit) is framed.
    """
    gap_x, gap_y, margin = 110, 50, 10
    columns = len(unit_uris)
    tallest = max(len(c) for c in unit_uris)
    width, height = margin * 2 + (columns - 1) * gap_x + UNIT + 60, margin * 2 + tallest * gap_y

    def where(k, i):
        return margin + 60 + k * gap_x, margin + i * gap_y

    biggest = max((float(np.abs(W).max()) for W in weights if W.size), default=1.0) or 1.0
    links = []
    for k, W in enumerate(weights):
        for j, row in enumerate(W):
            for i, w in enumerate(row):
                (x0, y0), (x1, y1) = where(k, i), where(k + 1, j)
                links.append(
                    f'<line x1="{x0 + UNIT}" y1="{y0 + UNIT / 2}" x2="{x1}" y2="{y1 + UNIT / 2}" '
                    f'stroke="{colors.weight_color(float(w))}" '
                    f'stroke-width="{0.5 + 4 * abs(w) / biggest:.2f}">'
                    f"<title>weight {w:.4f}</title></line>"
                )
    boxes = []
    for k, uris in enumerate(unit_uris):
        for i, uri in enumerate(uris):
            x, y = where(k, i)
            frame = "#000000" if chosen == (k, i) else "#cccccc"
            boxes.append(
                f'<image href="{uri}" x="{x}" y="{y}" width="{UNIT}" height="{UNIT}" '
                f'style="image-rendering: pixelated"/><rect x="{x}" y="{y}" width="{UNIT}" height="{UNIT}" '
                f'fill="none" stroke="{frame}" stroke-width="{2 if chosen == (k, i) else 1}"/>'
            )
            if k == 0:
                boxes.append(
                    f'<text x="{x - 4}" y="{y + UNIT / 2 + 4}" font-size="11" text-anchor="end">'
                    f"{html.escape(feature_names[i])}</text>"
                )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="network" '
        'style="flex-shrink: 0">'
        f"{''.join(links)}{''.join(boxes)}</svg>"
    )
