"""Graphviz's ``dot``: laying out a drawn graph into SVG, PNG or PDF, and saying how to install it.

Drawing (``viz.graph.drawing``) only builds a ``graphviz.Digraph``; this module runs the
``dot`` program on it and writes the result atomically.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import graphviz

from ..files import check_regular, write_atomic, write_new
from .drawing import draw_graph

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
PNG_DPI = "144"  # sharp on a projector; SVG and PDF are vector and need no dpi
DOT_TIMEOUT = 30.0
"""Seconds ``dot`` may take to lay out one graph before it is stopped (a readable graph takes < 1 s)."""


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not installed (the Python package alone cannot lay out graphs)."""


class LayoutTooSlow(RuntimeError):
    """Graphviz's ``dot`` ran longer than ``DOT_TIMEOUT`` seconds on one graph and was stopped."""


def render(root, path: str | os.PathLike, **options) -> Path:
    """Draw ``root``'s graph (``draw_graph`` options) to an SVG, PNG or PDF file, by the path's suffix.

    Creates missing folders and writes atomically (no half-written file on failure); only
    a regular file is ever replaced (a folder, /dev/null or a FIFO is refused).
    Without Graphviz's ``dot`` program it writes the DOT source next to ``path`` (same
    name, suffix .dot, or a numbered name if that exists: it never replaces a file) and
    raises ``GraphvizNotFound`` with the command to install it. A layout that takes
    longer than ``DOT_TIMEOUT`` seconds raises ``LayoutTooSlow``.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"render writes {', '.join(FORMATS)} files; got the suffix {path.suffix!r} in {str(path)!r}"
        )
    check_regular(path, "render's path")
    graph = draw_graph(root, **options)
    return write_atomic(path, pipe(graph, fmt, path.with_suffix(".dot")))


def pipe(graph: graphviz.Digraph, fmt: str, dot_path: str | os.PathLike | None = None) -> bytes:
    """Lay out and draw ``graph`` with Graphviz; without ``dot``, save its source and say how to install it.

    ``dot_path`` is where the DOT source goes when ``dot`` is missing (None: nowhere); an
    existing file there is kept and the source gets a numbered name beside it.
    """
    if fmt == "png":
        graph = graph.copy()
        graph.attr(dpi=PNG_DPI)
    try:
        return run_dot(graph.source, fmt)
    except FileNotFoundError:
        saved = ""
        if dot_path is not None:
            saved = f" The graph's DOT source is in {write_new(dot_path, graph.source)}."
        raise GraphvizNotFound(
            f"Graphviz's `dot` program was not found on PATH (the Python package `graphviz` only calls it). "
            f"Install it with: {install_command()}.{saved}"
        ) from None


def run_dot(source: str, fmt: str, timeout: float | None = None) -> bytes:
    """The output of ``dot -T<fmt>`` on ``source``; stopped after ``timeout`` seconds (``DOT_TIMEOUT``).

    Raises FileNotFoundError without ``dot``, graphviz.CalledProcessError when it fails,
    LayoutTooSlow when it takes too long (the process is killed, nothing is written).
    """
    timeout = DOT_TIMEOUT if timeout is None else timeout
    command = ["dot", f"-T{fmt}"]
    try:
        done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LayoutTooSlow(
            f"Graphviz's dot took more than {timeout:g} s to lay out the graph and was stopped "
            "(a value used many times, or a very large graph, makes the layout slow); draw a smaller "
            "expression, or one that uses each variable fewer times"
        ) from None
    if done.returncode != 0:
        raise graphviz.CalledProcessError(done.returncode, command, output=done.stdout, stderr=done.stderr)
    return done.stdout


def install_command(platform: str | None = None) -> str:
    """The command that installs Graphviz on this platform."""
    platform = platform or sys.platform
    if os.environ.get("CONDA_PREFIX"):
        return "conda install -c conda-forge graphviz"
    if platform == "darwin":
        return "brew install graphviz"
    if platform.startswith("win"):
        return "winget install graphviz (or: choco install graphviz), then open a new terminal"
    distro = _linux_distribution()
    if distro & {"debian", "ubuntu"}:
        return "sudo apt-get install graphviz"
    if distro & {"fedora", "rhel", "centos"}:
        return "sudo dnf install graphviz"
    if distro & {"arch"}:
        return "sudo pacman -S graphviz"
    if distro & {"alpine"}:
        return "sudo apk add graphviz"
    return (
        "your package manager (e.g. sudo apt-get install graphviz) or conda install -c conda-forge graphviz"
    )


def _linux_distribution() -> set[str]:
    """ID and ID_LIKE from /etc/os-release ('debian', 'ubuntu', ...), empty if unknown."""
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return set()
    names = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            names.update(value.strip().strip('"').lower().split())
    return names
