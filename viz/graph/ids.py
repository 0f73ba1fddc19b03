"""The SVG element ids of a graph picture: stable, so slides and the step player can address them.

Values are numbered in ``node_order``: leaves first, every node after its operands.

- ``v3``: the value node number 3, ``op3`` the op that made it,
- ``e3_0``: the edge from its first operand into that op, ``e3_out`` the edge from the op to the value,
- ``g0``: a collapsed neuron or layer (numbered as their names count).

The drawing writes these ids, the step player's frames highlight them; both take them from here.
"""

from __future__ import annotations

import re

import autograd

_VALUE_ID = re.compile(r"v\d+")


def outputs_of(root) -> tuple[autograd.Value, ...]:
    """The graph's outputs: ``root`` itself, or each Value of a list of them (a layer's outputs)."""
    roots = (
        (root,)
        if isinstance(root, autograd.Value)
        else tuple(root)
        if isinstance(root, (list, tuple))
        else ()
    )
    if not roots or not all(isinstance(r, autograd.Value) for r in roots):
        raise TypeError(
            "draw_graph needs a Value (the output of an expression) or a list of Values (several outputs, "
            f"such as a layer's), got {type(root).__name__}"
        )
    return tuple(dict.fromkeys(roots))


def node_order(root) -> list[autograd.Value]:
    """Every node of the graph, leaves first, each after its operands: the numbering of the ids.

    With several outputs, each output's nodes follow those of the outputs before it.
    """
    order: dict[autograd.Value, None] = {}
    for r in outputs_of(root):
        order.update(dict.fromkeys(reversed(autograd.topological_order(r))))
    return list(order)


def node_ids(root) -> dict[autograd.Value, str]:
    """The SVG element id of every value node: 'v0', 'v1', ... in ``node_order``."""
    return {v: value_id(i) for i, v in enumerate(node_order(root))}


def value_id(i: int) -> str:
    """The box of value number i."""
    return f"v{i}"


def op_id(i: int) -> str:
    """The circle of the op that made value number i."""
    return f"op{i}"


def edge_id(i: int, k: int) -> str:
    """The edge from the k-th operand of value number i into its op."""
    return f"e{i}_{k}"


def out_edge_id(i: int) -> str:
    """The edge from the op of value number i to its box."""
    return f"e{i}_out"


def group_id(index: int) -> str:
    """The box of collapsed neuron or layer number ``index``."""
    return f"g{index}"


def is_value_id(element_id: str) -> bool:
    """Whether an SVG element id names a value box ('v3', not 'op3' or 'e3_0')."""
    return _VALUE_ID.fullmatch(element_id) is not None
