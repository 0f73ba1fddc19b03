"""Graphs laid out in the browser, for machines without Graphviz's ``dot``.

Where ``dot`` is missing, a notebook or an HTML page gets the graph's DOT source and
Graphviz compiled to WebAssembly (``@viz-js/viz``, a pinned npm package fetched at set-up
time by ``scripts/fetch_viz_js.py`` into this package, git-ignored, shipped as package data). The
browser lays the graph out into the same SVG that ``dot`` writes: the same element ids
(``viz.graph.ids``) and classes, so the step player's script finds its nodes. Everything
is inline (the script is about 1.3 MB per page): nothing is fetched at run time. The
page must be read as UTF-8 (``<meta charset="utf-8">``, as notebooks and our pages are):
the script holds the WebAssembly as a string of Latin-1 letters.

Writing SVG, PNG or PDF files still needs ``dot`` (``viz.graph.dot``).
"""

from __future__ import annotations

import json
import shutil
from importlib.resources import files

import graphviz

VIZ_JS = "viz-global.js"
"""The vendored build of @viz-js/viz (it defines ``window.Viz``), a file of this package."""
HTML = "text/html"


class BrowserLayoutMissing(RuntimeError):
    """Neither Graphviz's ``dot`` nor the in-browser Graphviz (the vendored @viz-js/viz) is installed."""


def has_dot() -> bool:
    """Whether Graphviz's ``dot`` program is on PATH (then pictures are drawn by it, as SVG)."""
    return shutil.which("dot") is not None


def available() -> bool:
    """Whether this installation holds the in-browser Graphviz."""
    return (files(__package__) / VIZ_JS).is_file()


def holder(source: str) -> str:
    """An element holding one graph's DOT source, which the page's layout script replaces by its SVG."""
    # JSON inside <script>: only "<" could end the element early, and JSON may write it as \u003c.
    text = json.dumps(source).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" class="bpl-dot">{text}</script>'


def scripts(then: str = "") -> str:
    """The scripts that lay out every ``holder`` of a page, once per page, after the holders.

    ``then``: JavaScript to run once the graphs are in place (the step player's script).
    """
    try:
        viz_js = (files(__package__) / VIZ_JS).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrowserLayoutMissing(
            "Graphviz's `dot` program was not found on PATH, and this installation lacks the in-browser "
            f"Graphviz ({VIZ_JS} in viz.graph: `make setup` fetches it with npm). Install Graphviz "
            "(e.g. sudo apt-get install graphviz, brew install graphviz or conda install -c conda-forge "
            "graphviz), or reinstall backprop-lab from its wheel."
        ) from None
    layout = (files(__package__) / "layout.js").read_text(encoding="utf-8")
    after = f"<script>window.backpropLabGraphs.then(function () {{\n{then}\n}});</script>" if then else ""
    # "</script" inside a script would end it early; the vendored build is checked not to hold it.
    return f"<script>{viz_js}</script><script>{layout}</script>{after}"


def graph_html(source: str) -> str:
    """One graph laid out in the browser: its DOT source and the scripts (a notebook cell's output)."""
    return f'<div class="bpl-laid-out">{holder(source)}{scripts()}</div>'


class LaidOutWithoutDot(graphviz.Digraph):
    """A ``graphviz.Digraph`` that a notebook still shows without ``dot``: laid out in the browser.

    With ``dot`` it is the Digraph it always was (``render``, ``pipe``, ``source``, SVG display);
    without it, its rich display is the in-browser layout (an HTML page part) instead of an error.
    """

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if has_dot() or not available():
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        return {HTML: graph_html(self.source)}
