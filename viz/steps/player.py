"""Backprop played one step at a time: an HTML player, numbered SVG frames, a notebook player.

All three draw the graph once with Graphviz (sized for the final gradients), then show
each step by highlighting the step's node and edges and rewriting the gradients in the
boxes, with a ledger that writes out the chain rule of the step with its numbers.
"""

from __future__ import annotations

import copy
import html
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import autograd

from ..files import write_atomic
from ..graph import draw_graph, pipe
from ..graph.ids import is_value_id
from ..graph.names import equation
from ..graph.style import number
from . import page as player_page
from .backprop import backprop_steps
from .frames import Frame, frames

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
_FRAME_NAME = re.compile(r"\d{3,}\.svg")
SECONDS_PER_STEP = 1.5  # Play's pace: time to read a ledger aloud


def save_steps_html(
    root: autograd.Value,
    path: str | os.PathLike,
    *,
    forward: bool = False,
    seconds_per_step: float = SECONDS_PER_STEP,
    **options,
) -> Path:
    """Write ONE self-contained HTML file that plays backprop on ``root``'s graph step by step.

    The page has the graph (inline SVG), Prev / Next / Play buttons (and the arrow keys,
    space, Home, End) and a ledger beside the graph with the chain rule of the current
    step and its numbers. No network: styles and script are inline. ``forward=True``
    plays the forward pass first; ``seconds_per_step`` sets Play's pace. ``options`` go to
    ``draw_graph`` (e.g. local_grads=True).
    """
    path = Path(path)
    page = steps_html(
        root, forward=forward, seconds_per_step=seconds_per_step, dot_path=path.with_suffix(".dot"), **options
    )
    return write_atomic(path, page)


def save_steps_svg(
    root: autograd.Value, folder: str | os.PathLike, *, forward: bool = False, **options
) -> list[Path]:
    """Write one SVG per step into ``folder`` (001.svg, 002.svg, ...), each with its ledger below the graph.

    For slides: each frame is the same picture with that step highlighted. Numbered
    frames left over from an earlier, longer run in the same folder are removed.
    """
    folder = Path(folder)
    base = _graph_svg(root, options, folder / "graph.dot")
    steps = frames(root, forward=forward)
    width = max(3, len(str(len(steps))))
    paths = []
    for n, frame in enumerate(steps, start=1):
        paths.append(write_atomic(folder / f"{n:0{width}d}.svg", frame_svg(base, frame)))
    written = {p.name for p in paths}
    for old in folder.iterdir():
        if _FRAME_NAME.fullmatch(old.name) and old.name not in written:
            old.unlink()
    return paths


class StepPlayer:
    """The step player inside a notebook: ``StepPlayer(y)`` as the last line of a cell shows it.

    The page runs in an iframe of its own, so several players in one notebook do not
    mix up their element ids. ``save(path)`` writes the same page to a file.
    """

    def __init__(
        self,
        root: autograd.Value,
        *,
        forward: bool = False,
        height: int = 780,
        seconds_per_step: float = SECONDS_PER_STEP,
        **options,
    ):
        self.html = steps_html(root, forward=forward, seconds_per_step=seconds_per_step, **options)
        self.height = height

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd;"></iframe>'
        )

    def save(self, path: str | os.PathLike) -> Path:
        return write_atomic(path, self.html)


def steps_html(
    root: autograd.Value,
    *,
    forward: bool = False,
    seconds_per_step: float = SECONDS_PER_STEP,
    dot_path=None,
    **options,
) -> str:
    """The player page as a string (see ``save_steps_html``)."""
    if not (isinstance(seconds_per_step, (int, float)) and 0 < seconds_per_step < 3600):
        raise ValueError(f"seconds_per_step must be a number of seconds > 0, got {seconds_per_step!r}")
    base = _graph_svg(root, options, dot_path)
    svg = copy.deepcopy(base)
    for attribute in ("width", "height"):  # the page scales the picture to its column
        svg.attrib.pop(attribute, None)
    steps, shown = [], {}
    for frame in frames(root, forward=forward):
        grads = {i: number(g) for i, g in frame.grads.items()}
        # The page replays changes: each step sends only the gradients that moved.
        steps.append(_page_step(frame, {i: t for i, t in grads.items() if shown.get(i) != t}))
        shown = grads
    return player_page.page(
        "Backprop step by step",
        equation(root),
        ET.tostring(svg, encoding="unicode"),
        steps,
        round(seconds_per_step * 1000),
    )


def _graph_svg(root, options, dot_path) -> ET.Element:
    """The graph drawn once, boxes sized for the final gradients, numbers marked for rewriting."""
    if options.get("collapse"):
        raise ValueError("the step player shows every node: it cannot collapse neurons or layers")
    final = backprop_steps(root)[-1].grads
    source = pipe(draw_graph(root, grads=final, **options), "svg", dot_path)
    svg = ET.fromstring(source)
    for g in svg.iter(f"{{{SVG_NS}}}g"):
        if is_value_id(g.get("id", "")):
            texts = list(g.iter(f"{{{SVG_NS}}}text"))
            for word, value in zip(texts, texts[1:]):
                if word.text in ("data", "grad"):
                    value.set("class", f"{word.text}-value")
    return svg


def _page_step(frame: Frame, grads: dict) -> dict:
    return {
        "kind": frame.kind,
        "current": frame.current,
        "edges": frame.edges,
        "neighbours": frame.neighbours,
        "pending": frame.pending,
        "grads": grads,
        "ledger": ledger_html(frame),
    }


def ledger_html(frame: Frame) -> str:
    """The ledger of one frame as HTML; exact numbers in data- attributes (for checks and tools).

    The lines before the first input form one block, each input (its rule, product and
    new gradient) another, so that a wide page can set the blocks side by side.
    """
    blocks: list[list[str]] = [[]]
    for line in frame.ledger:
        if line.role == "input":
            blocks.append([])
        data = "".join(f' data-{k}="{v!r}"' for k, v in line.values.items())
        blocks[-1].append(f'<div class="line {line.role}"{data}>{html.escape(line.text)}</div>')
    body = "".join(f'<div class="block">{"".join(b)}</div>' for b in blocks)
    return f'<div class="line title">{html.escape(frame.title)}</div><div class="blocks">{body}</div>'


def frame_svg(base: ET.Element, frame: Frame) -> str:
    """One frame as a standalone SVG: highlights, the step's gradients, the ledger below the graph."""
    svg = copy.deepcopy(base)
    elements = {g.get("id"): g for g in svg.iter(f"{{{SVG_NS}}}g") if g.get("id")}
    marks = {
        "current": frame.current,
        "active": frame.edges,
        "neighbour": frame.neighbours,
        "pending": frame.pending,
    }
    for cls, ids in marks.items():
        for i in ids:
            if i in elements:
                elements[i].set("class", f"{elements[i].get('class', '')} {cls}".strip())
    for i, g in frame.grads.items():
        for t in elements[i].iter(f"{{{SVG_NS}}}text"):
            if t.get("class") == "grad-value":
                t.text = number(g)
    style = ET.Element(f"{{{SVG_NS}}}style")
    style.text = player_page.SVG_CSS + ".ledger text { font-family: Helvetica, Arial, sans-serif; }"
    svg.insert(0, style)
    _append_ledger(svg, frame)
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(svg, encoding="unicode")


def _append_ledger(svg: ET.Element, frame: Frame) -> None:
    """Write the ledger under the picture, its blocks (the node, then each input) side by side.

    As many blocks share a row as fit in the picture's width (at least two); the canvas grows to fit.
    """
    x0, y0, width, height = (float(n) for n in svg.get("viewBox").split())
    blocks: list[list] = [[]]
    for line in frame.ledger:
        if line.role == "input":
            blocks.append([])
        blocks[-1].append(line)
    blocks = [b for b in blocks if b]
    line_height, size, char = 22.0, 16, 16 * 0.56  # an average character of Helvetica at 16pt
    widths = [max(len(line.text) for line in b) * char + 28 for b in blocks]
    width = max(width, len(frame.title) * char * 1.15 + 24, sum(widths[:2]) + 12)
    rows: list[list[int]] = [[]]  # block numbers, packed into rows as wide as the picture
    for k, w in enumerate(widths):
        if rows[-1] and 12 + sum(widths[j] for j in rows[-1]) + w > width:
            rows.append([])
        rows[-1].append(k)
    top = y0 + height + 10
    height += 10 + line_height * (1 + sum(max(len(blocks[k]) for k in row) + 0.5 for row in rows)) + 12
    svg.set("viewBox", f"{x0:g} {y0:g} {width:g} {height:g}")
    svg.set("width", f"{width:g}pt")
    svg.set("height", f"{height:g}pt")
    ledger = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"id": "ledger", "class": "ledger"})
    ET.SubElement(
        ledger,
        f"{{{SVG_NS}}}rect",
        {"x": f"{x0:g}", "y": f"{top - 4:g}", "width": f"{width:g}", "height": f"{y0 + height - top + 4:g}"}
        | {"fill": "white"},
    )
    _text(ledger, x0 + 12, top + line_height, "title", frame.title, size + 2)
    y = top + line_height
    for row in rows:
        x = x0 + 12
        for k in row:
            for n, line in enumerate(blocks[k], start=1):
                _text(ledger, x, y + line_height * n, line.role, line.text, size)
            x += widths[k]
        y += line_height * (max(len(blocks[k]) for k in row) + 0.5)


def _text(ledger, x: float, y: float, role: str, text: str, size: int) -> None:
    colors = {
        "title": player_page.HIGHLIGHT,
        "grad": player_page.NEIGHBOUR,
        "upstream": player_page.HIGHLIGHT,
    }
    attributes = {
        "x": f"{x:g}",
        "y": f"{y:g}",
        "font-size": str(size),
        "fill": colors.get(role, "#555555" if role == "formula" else "#111111"),
        "class": role,
    }
    if role in ("title", "input", "grad", "node"):
        attributes["font-weight"] = "bold"
    ET.SubElement(ledger, f"{{{SVG_NS}}}text", attributes).text = text
