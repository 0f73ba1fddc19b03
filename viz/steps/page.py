"""The step player's page: one HTML file with its styles and script inline (no network at all)."""

from __future__ import annotations

import html
import json

HIGHLIGHT = "#d6006f"  # the node and edges of the current step: magenta, visible on every fill
NEIGHBOUR = "#e86a00"  # the inputs that receive gradient (or the operands read, going forward)

SVG_CSS = f"""
.current > path, .current > polygon, .current > ellipse {{ stroke: {HIGHLIGHT}; stroke-width: 5px; }}
.active > path {{ stroke: {HIGHLIGHT}; stroke-width: 4px; }}
.active > polygon {{ fill: {HIGHLIGHT}; stroke: {HIGHLIGHT}; }}
.neighbour > path, .neighbour > polygon {{ stroke: {NEIGHBOUR}; stroke-width: 4px; stroke-dasharray: 8 4; }}
.neighbour .grad-value, .current .grad-value {{ font-weight: bold; }}
.neighbour .grad-value {{ fill: {NEIGHBOUR}; }}
.pending {{ opacity: 0.15; }}
"""

PAGE_CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f6; color: #111;
  font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 20px; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 8px 16px;
  background: #fff; border-bottom: 1px solid #d8d8de; }
h1 { font-size: 22px; margin: 0; white-space: nowrap; }
.expression { font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 20px; }
.controls { display: flex; align-items: center; gap: 10px; margin-left: auto; }
button { font: inherit; font-size: 19px; padding: 6px 14px; border-radius: 8px; border: 1px solid #888;
  background: #fff; cursor: pointer; }
button:hover:not(:disabled) { background: #f0e6ff; }
button:disabled { opacity: 0.4; cursor: default; }
#counter { font-weight: 600; min-width: 6.5em; text-align: right; font-variant-numeric: tabular-nums; }
main { display: flex; gap: 12px; padding: 12px; align-items: flex-start; }
#graph { flex: 1 1 auto; min-width: 0; background: #fff; border: 1px solid #d8d8de; border-radius: 10px;
  padding: 10px; overflow: auto; }
#graph svg { display: block; width: 100%; height: auto; max-height: calc(100vh - 140px); }
#ledger { flex: 0 0 34%; min-width: 340px; max-width: 620px; background: #fff; border: 1px solid #d8d8de;
  border-radius: 10px; padding: 10px 18px 14px; line-height: 1.35; font-size: 21px; }
/* A wide graph (set by the script) or a narrow window: the ledger goes under the graph. */
body.wide main { flex-direction: column; align-items: stretch; }
body.wide #ledger { max-width: none; width: 100%; }
body.wide #graph svg { max-height: 58vh; }
@media (max-width: 1000px) { main { flex-direction: column; } #ledger { max-width: none; width: 100%; } }
.blocks { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 4px 28px; }
.line { margin: 2px 0; overflow-wrap: anywhere; }
.title { font-weight: 700; font-size: 23px; margin-bottom: 8px; color: #5b34a8; }
.formula { color: #555; font-style: italic; }
.node, .value { font-weight: 600; }
.upstream { color: HIGHLIGHT_COLOUR; font-weight: 600; }
.block + .block { border-top: 1px solid #e2e2e8; padding-top: 8px; margin-top: 4px; }
body.wide .block + .block { border-top: none; border-left: 1px solid #e2e2e8; padding: 0 0 0 16px;
  margin: 0; }
.input { font-weight: 600; }
.rule, .chain, .grad, .value, .upstream { font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 18px; }
.rule, .chain, .grad { padding-left: 0.6em; }
.grad { color: NEIGHBOUR_COLOUR; font-weight: 700; }
.note { color: #555; margin-top: 8px; }
.keys { color: #666; font-size: 16px; padding: 0 20px 12px; }
""".replace("HIGHLIGHT_COLOUR", HIGHLIGHT).replace("NEIGHBOUR_COLOUR", NEIGHBOUR)

SCRIPT = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("steps-data").textContent);
  const steps = data.steps;
  const ledger = document.getElementById("ledger");
  const counter = document.getElementById("counter");
  const prev = document.getElementById("prev"), next = document.getElementById("next");
  const play = document.getElementById("play");
  const marks = { current: "current", edges: "active", neighbours: "neighbour", pending: "pending" };
  // Every step lists only the gradients it changes; replay them once to know each step's state.
  const states = [];
  steps.forEach(function (s, k) { states.push(Object.assign({}, k ? states[k - 1] : {}, s.grads)); });
  let index = 0, timer = null;
  const box = document.querySelector("#graph svg").viewBox.baseVal;
  if (box && box.width > 2 * box.height) document.body.classList.add("wide");

  function show(n) {
    index = Math.max(0, Math.min(steps.length - 1, n));
    const s = steps[index];
    for (const cls of Object.values(marks)) {
      document.querySelectorAll("#graph ." + cls).forEach(function (el) { el.classList.remove(cls); });
    }
    for (const [key, cls] of Object.entries(marks)) {
      s[key].forEach(function (id) {
        const el = document.getElementById(id);
        if (el) el.classList.add(cls);
      });
    }
    for (const [id, text] of Object.entries(states[index])) {
      const t = document.querySelector("#" + id + " .grad-value");
      if (t) t.textContent = text;
    }
    ledger.innerHTML = s.ledger;
    counter.textContent = "Step " + (index + 1) + " / " + steps.length;
    document.body.dataset.step = String(index);
    prev.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    if (index === steps.length - 1) stop();
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\\u25B6 Play"; }
  function toggle() {
    if (timer) { stop(); return; }
    if (index === steps.length - 1) show(0);
    play.textContent = "\\u23F8 Pause";
    timer = setInterval(function () { show(index + 1); }, data.interval);
  }
  prev.addEventListener("click", function () { stop(); show(index - 1); });
  next.addEventListener("click", function () { stop(); show(index + 1); });
  play.addEventListener("click", toggle);
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "PageDown") { stop(); show(index + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { stop(); show(index - 1); }
    else if (e.key === " ") { toggle(); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(steps.length - 1); }
    else return;
    e.preventDefault();
  });
  show(0);
})();
"""


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
