"""The step player's page: one HTML file with its styles and script inline (no network at all).

The styles and the script are files of this package (player.css, highlight.css,
player.js), read once and written into every page, so the page needs nothing else.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files

HIGHLIGHT = "#d6006f"  # the node and edges of the current step: magenta, visible on every fill
NEIGHBOUR = "#e86a00"  # the inputs that receive gradient (or the operands read, going forward)


def _package_file(name: str) -> str:
    """A file shipped inside this package (package data, listed in pyproject.toml)."""
    return (files(__package__) / name).read_text(encoding="utf-8")


SVG_CSS = _package_file("highlight.css")
"""The current step's marks in the graph (uses HIGHLIGHT and NEIGHBOUR); the SVG frames carry it too."""
PAGE_CSS = _package_file("player.css")
SCRIPT = _package_file("player.js")


def page(title: str, expression: str, svg: str, steps: list[dict], interval_ms: int) -> str:
    """The whole page as one string: header with controls, the graph, the ledger, the script."""
    payload = json.dumps({"steps": steps, "interval": interval_ms}, ensure_ascii=False)
    # Inside <script> only "<" could end the element early; JSON allows it as \\u003c.
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{PAGE_CSS}{SVG_CSS}</style>
</head>
<body>
<header>
  <h1>{html.escape(title)}</h1>
  <span class="expression">{html.escape(expression)}</span>
  <nav class="controls">
    <button id="prev" type="button" title="previous step (left arrow)">&#9664; Prev</button>
    <button id="play" type="button" title="play / pause (space)">&#9654; Play</button>
    <button id="next" type="button" title="next step (right arrow)">Next &#9654;</button>
    <span id="counter"></span>
  </nav>
</header>
<main>
  <section id="graph">{svg}</section>
  <aside id="ledger" aria-live="polite"></aside>
</main>
<div class="keys">Keys: &#8592; &#8594; step, space play/pause, Home / End first / last step.</div>
<script type="application/json" id="steps-data">{payload}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
