"""Graphs that fit the notebook: a ``graphviz.Digraph`` shown scaled down to the cell's width.

Jupyter shows a plain Digraph as its SVG at natural size, so a wide graph is cut off at
the cell's edge. ``FittedDigraph`` is the same Digraph (``render``, ``pipe``, ``source``
all unchanged) whose notebook picture is the SVG in a box: scaled down to the available
width, and a click on it toggles the natural size (the box scrolls then). The toggle is a
checkbox and a style, no script, so it works in every front end that shows HTML.
"""

from __future__ import annotations

import base64
import re
import uuid

from . import browser

HTML = "text/html"
SVG = "image/svg+xml"


class FittedDigraph(browser.LaidOutWithoutDot):
    """A ``graphviz.Digraph`` that a notebook shows fitted to its width; click it for full size.

    Without ``dot`` it is laid out in the browser instead (``viz.graph.browser``).
    """

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if not browser.has_dot() and browser.available():
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        wanted = set(include) if include is not None else {HTML, SVG}
        wanted -= set(exclude or ())
        bundle = super()._repr_mimebundle_(include=wanted - {HTML}, **kwargs)
        if HTML in wanted:
            bundle[HTML] = fitted_html(bundle.get(SVG) or self._repr_image_svg_xml(), as_image=True)
        return bundle


def fitted_html(svg: str, scope: str | None = None, css: str = "", as_image: bool = False) -> str:
    """``svg`` (Graphviz's, with width/height in pt and a viewBox) in a box that fits it to the width.

    Scaled down, never up: max-width 100% of the box, height from the aspect ratio. A
    click on the picture toggles its natural size. ``scope``: the box's id (a fresh one if None);
    ``css``: more style rules for the box (scope them with its id). ``as_image``: the SVG
    as an <img> of a data URI (as Jupyter shows an SVG output; a page's styles cannot reach
    into it), else inline (a page's styles can mark its nodes).
    """
    scope = scope or f"bpl-graph-{uuid.uuid4().hex[:10]}"
    start = svg.find("<svg")
    svg = svg[max(start, 0) :]  # without the XML declaration and doctype, it goes inside HTML
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    if as_image:
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        picture, tag = f'<img src="{uri}" alt="computation graph">', "img"
    else:
        picture, tag = svg, "svg"
    style = (
        f"#{scope} {{max-width: 100%; overflow: auto;}} "
        f"#{scope} label {{display: block; cursor: zoom-in;}} "
        f"#{scope} {tag} {{display: block; max-width: 100%; height: auto;}} "
        f"#{scope} input:checked + label {{cursor: zoom-out;}} "
        f"#{scope} input:checked + label {tag} {{max-width: none;}} {css}"
    )
    return (
        f'<div id="{scope}" class="bpl-graph"><style>{style}</style>'
        f'<input type="checkbox" id="{scope}-zoom" hidden>'
        f'<label for="{scope}-zoom" title="click: natural size / fit to the width">{picture}</label></div>'
    )
