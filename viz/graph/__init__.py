"""Computation graphs as pictures: drawing, the SVG ids, style, collapsing a network, Graphviz's dot.

- ``drawing``: ``draw_graph``, a value's box and an op's circle, as a ``graphviz.Digraph``;
- ``ids``: the stable SVG element ids (``v3``, ``op3``, ``e3_0``, ``g0``), in one place;
- ``style``: node kinds, colours, the number format, the gradient scale, legends;
- ``collapse``: one box per neuron or layer of an nn network (nn's scopes);
- ``names``: what the pictures and the ledger call each node ("w1 * x", s, h);
- ``dot``: ``render`` and ``pipe`` through Graphviz's ``dot``, and how to install it.
"""

from .dot import FORMATS, GraphvizNotFound, install_command, pipe, render
from .drawing import draw_graph
from .ids import node_ids, node_order

__all__ = [
    "draw_graph",
    "render",
    "pipe",
    "install_command",
    "FORMATS",
    "GraphvizNotFound",
    "node_order",
    "node_ids",
]
