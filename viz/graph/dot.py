"""Graphviz's ``dot``: laying out a drawn graph into SVG, PNG or PDF, and saying how to install it.

Drawing (``viz.graph.drawing``) only builds a ``graphviz.Digraph``; this module runs the
``dot`` program on it and writes the result atomically.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import graphviz

from ..files import write_atomic
from .drawing import draw_graph

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
PNG_DPI = "144"  # sharp on a projector; SVG and PDF are vector and need no dpi


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not installed (the Python package alone cannot lay out graphs)."""


def render(root, path: str | os.PathLike, **options) -> Path:
    """Draw ``root``'s graph (``draw_graph`` options) to an SVG, PNG or PDF file, by the path's suffix.

    Creates missing folders and writes atomically (no half-written file on failure).
    Without Graphviz's ``dot`` program it writes the DOT source next to ``path`` (same
    name, suffix .dot) and raises ``GraphvizNotFound`` with the command to install it.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"render writes {', '.join(FORMATS)} files; got the suffix {path.suffix!r} in {str(path)!r}"
        )
    graph = draw_graph(root, **options)
    return write_atomic(path, pipe(graph, fmt, path.with_suffix(".dot")))


def pipe(graph: graphviz.Digraph, fmt: str, dot_path: str | os.PathLike | None = None) -> bytes:
    """Lay out and draw ``graph`` with Graphviz; without ``dot``, save its source and say how to install it.

    ``dot_path`` is where the DOT source goes when ``dot`` is missing (None: nowhere).
    """
    if fmt == "png":
        graph = graph.copy()
        graph.attr(dpi=PNG_DPI)
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        saved = ""
        if dot_path is not None:
            write_atomic(dot_path, graph.source)
            saved = f" The graph's DOT source is in {dot_path}."
        raise GraphvizNotFound(
            f"Graphviz's `dot` program was not found on PATH (the Python package `graphviz` only calls it). "
            f"Install it with: {install_command()}.{saved}"
        ) from None


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
