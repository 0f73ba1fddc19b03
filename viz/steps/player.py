"""Backprop played one step at a time: an HTML player, numbered SVG frames, a notebook player.

All three draw the graph once with Graphviz (sized for the final gradients), then show
each step by highlighting the step's node and edges and rewriting the gradients in the
boxes, with a ledger that writes out the chain rule of the step with its numbers.
"""

from __future__ import annotations

import copy
import html
import os
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import autograd

from ..files import check_regular, write_atomic
from ..graph import MAX_NODES, browser, draw_graph, pipe, too_large
from ..graph.ids import is_value_id
from ..graph.names import equation, node_names
from ..graph.style import number
from . import frame_folder
from . import page as player_page
from . import quiz as marking
from .backprop import backprop_steps
from .frames import Frame, frames

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
SECONDS_PER_STEP = 1.5  # Play's pace: time to read a ledger aloud
NUMBERS_SCRIPT = (files(__package__) / "numbers.js").read_text(encoding="utf-8")
"""_graph_svg's marking of the numbers, for a graph laid out in the browser (no dot)."""


def save_steps_html(
    root: autograd.Value,
    path: str | os.PathLike,
    *,
    forward: bool = False,
    seconds_per_step: float = SECONDS_PER_STEP,
    quiz: bool = False,
    **options,
) -> Path:
    """Write ONE self-contained HTML file that plays backprop on ``root``'s graph step by step.

    The page has the graph (inline SVG, fitted to the window, zoomable), Prev / Next / Play
    buttons (and the arrow keys, space, Home, End) and a ledger beside the graph with the
    chain rule of the current step and its numbers. No network: styles and script are
    inline. ``forward=True`` plays the forward pass first; ``seconds_per_step`` sets Play's
    pace. ``quiz=True``: before each backward step is shown the student types the gradient
    of every input, marked as ``viz.steps.quiz.mark`` marks it, with a summary at the end.
    ``options`` go to ``draw_graph`` (e.g. local_grads=True). Only a regular file is
    replaced (a folder, /dev/null or a FIFO is refused before any work).
    """
    path = check_regular(path, "save_steps_html's path")
    page = steps_html(
        root,
        forward=forward,
        seconds_per_step=seconds_per_step,
        quiz=quiz,
        dot_path=path.with_suffix(".dot"),
        **options,
    )
    return write_atomic(path, page)


def save_steps_svg(
    root: autograd.Value, folder: str | os.PathLike, *, forward: bool = False, **options
) -> list[Path]:
    """Write one SVG per step into ``folder`` (001.svg, 002.svg, ...), each with its ledger below the graph.

    For slides: each frame is the same picture with that step highlighted. Numbered
    frames left over from an earlier, longer run in the same folder are removed. Only
    frames this function wrote are replaced or removed (a manifest beside them,
    ``viz.steps.frame_folder``, records them): a numbered frame of anyone else's, or one
    changed since, is refused by name before any work.
    """
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise ValueError(f"save_steps_svg's folder {str(folder)!r} is a file, not a folder")
    frame_folder.check(folder)
    base = _graph_svg(root, options, folder / "graph.dot")
    steps = frames(root, forward=forward)
    width = max(3, len(str(len(steps))))
    return frame_folder.write(
        folder, [(f"{n:0{width}d}.svg", frame_svg(base, frame)) for n, frame in enumerate(steps, start=1)]
    )


class StepPlayer:
    """The step player inside a notebook: ``StepPlayer(y)`` as the last line of a cell shows it.

    The page runs in an iframe of its own, so several players in one notebook do not
    mix up their element ids; the page sets the frame's height to its content (``height``
    is only the first guess, before its script runs). ``quiz=True`` as in
    ``save_steps_html``. ``save(path)`` writes the same page to a file.
    """

    def __init__(
        self,
        root: autograd.Value,
        *,
        forward: bool = False,
        height: int = 600,
        seconds_per_step: float = SECONDS_PER_STEP,
        quiz: bool = False,
        **options,
    ):
        self.html = steps_html(root, forward=forward, seconds_per_step=seconds_per_step, quiz=quiz, **options)
        self.height = height

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; box-sizing: border-box; height: {int(self.height)}px; '
            'border: 1px solid #ddd;"></iframe>'
        )

    def save(self, path: str | os.PathLike) -> Path:
        return write_atomic(check_regular(path, "StepPlayer.save's path"), self.html)


def steps_html(
    root: autograd.Value,
    *,
    forward: bool = False,
    seconds_per_step: float = SECONDS_PER_STEP,
    quiz: bool = False,
    dot_path=None,
    **options,
) -> str:
    """The player page as a string (see ``save_steps_html``)."""
    if not (isinstance(seconds_per_step, (int, float)) and 0 < seconds_per_step < 3600):
        raise ValueError(f"seconds_per_step must be a number of seconds > 0, got {seconds_per_step!r}")
    if not isinstance(quiz, bool):
        raise TypeError(f"quiz must be True or False, got {quiz!r}")
    if browser.has_dot() or not browser.available():
        # The picture keeps its natural size (width, height in pt): the page fits it to its column from there.
        graph = ET.tostring(_graph_svg(root, options, dot_path), encoding="unicode")
        scripts = None
    else:  # no dot: the page lays the graph out, then marks its numbers as _graph_svg does
        graph = browser.holder(_final_graph(root, options).source)
        scripts = browser.scripts(then=NUMBERS_SCRIPT + player_page.SCRIPT)
    steps, shown = [], {}
    names = node_names(root)
    for frame, step in zip(frames(root, forward=forward), backprop_steps(root, forward=forward)):
        grads = {i: number(g) for i, g in frame.grads.items()}
        # The page replays changes: each step sends only the gradients that moved.
        page_step = _page_step(frame, {i: t for i, t in grads.items() if shown.get(i) != t})
        if quiz and step.kind == "backward":
            page_step["questions"] = _questions(step, names)
            page_step["prompt"] = ledger_html(frame, roles=PROMPT_ROLES)
        steps.append(page_step)
        shown = grads
    rule = {
        "relTol": marking.REL_TOL,
        "zeroTol": marking.ZERO_TOL,
        "maxLength": marking.MAX_LENGTH,
        "number": marking.NUMBER,
    }
    return player_page.page(
        "Backprop quiz" if quiz else "Backprop step by step",
        equation(root),
        graph,
        steps,
        round(seconds_per_step * 1000),
        quiz=rule if quiz else None,
        scripts=scripts,
    )


PROMPT_ROLES = ("formula", "node", "upstream", "note", "input")
"""What a quiz question shows of its step's ledger: everything but the rule and the answer."""


def _questions(step, names) -> list[dict]:
    """One question per input of a backward step: its gradient after the step, and the rule to apply."""
    return [
        {
            "ask": f"grad({names[inp.node]})",
            "expected": inp.grad_after,
            "rule": f"grad({names[inp.node]}) += grad(out) × {inp.equation}"
            + (f"; it already holds {number(inp.grad_before)}" if inp.grad_before else ""),
        }
        for inp in step.inputs
    ]


def _final_graph(root, options):
    """The graph to play on, drawn once with the final gradients (so every box is wide enough).

    The size is checked first: the steps cost memory quadratic in the nodes.
    """
    if options.get("collapse"):
        raise ValueError("the step player shows every node: it cannot collapse neurons or layers")
    refusal = too_large(root, options.get("max_nodes", MAX_NODES))
    if refusal:
        raise refusal
    return draw_graph(root, grads=backprop_steps(root)[-1].grads, **options)


def _graph_svg(root, options, dot_path) -> ET.Element:
    """The graph laid out by dot, numbers marked for rewriting (NUMBERS_SCRIPT does it in the browser)."""
    source = pipe(_final_graph(root, options), "svg", dot_path)
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


def ledger_html(frame: Frame, roles=None) -> str:
    """The ledger of one frame as HTML; exact numbers in data- attributes (for checks and tools).

    The lines before the first input form one block, each input (its rule, product and
    new gradient) another, so that a wide page can set the blocks side by side.
    ``roles``: only the lines of these roles (None: all).
    """
    blocks: list[list[str]] = [[]]
    for line in frame.ledger:
        if roles is not None and line.role not in roles:
            continue
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
