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

QUIZ_FORM = """
  <form id="quiz" hidden autocomplete="off">
    <div class="quiz-title">Your turn: type the gradients after this step</div>
    <div id="questions"></div>
    <div class="quiz-buttons"><button id="check" type="submit">Check</button>
    <button id="reveal" type="button" title="show this step (counts as wrong)">Show me</button></div>
  </form>
  <div id="summary" aria-live="polite"></div>"""


def page(
    title: str,
    expression: str,
    svg: str,
    steps: list[dict],
    interval_ms: int,
    quiz: dict | None = None,
    scripts: str | None = None,
) -> str:
    """The whole page as one string: header with controls, the graph, the ledger, the script.

    ``quiz``: the marking rule's constants (``viz.steps.quiz``) to ask the backward steps'
    questions with, or None for a plain player. ``scripts``: the page's scripts instead of the
    player's (the in-browser layout of ``viz.graph.browser``, which starts the player once the
    graph is drawn).
    """
    scripts = scripts or f"<script>{SCRIPT}</script>"
    payload = json.dumps({"steps": steps, "interval": interval_ms, "quiz": quiz}, ensure_ascii=False)
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
  <section id="graph-box">
    <nav class="zoom" aria-label="zoom">
      <button id="zoom-out" type="button" title="smaller (ctrl + wheel)">&minus;</button>
      <button id="zoom-fit" type="button" title="fit the graph to the window">Fit</button>
      <button id="zoom-in" type="button" title="larger (ctrl + wheel)">+</button>
    </nav>
    <div id="graph">{svg}</div>
  </section>
  <aside id="side">
  <div id="ledger" aria-live="polite"></div>{QUIZ_FORM if quiz else ""}
  </aside>
</main>
<div class="keys">Keys: &#8592; &#8594; step, space play/pause, Home / End first / last step.
Zoom: the buttons or ctrl + wheel on the graph.</div>
<script type="application/json" id="steps-data">{payload}</script>
{scripts}
</body>
</html>
"""
