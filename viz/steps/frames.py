"""What the step player shows at each step: highlighted elements, gradients, and the ledger.

A ``Frame`` is one step of ``backprop_steps`` turned into picture terms: the SVG element
ids to highlight (see ``viz.graph.ids``), the gradient to print in every value
box, and the ledger, the chain rule of the step written out with its numbers. The HTML
player and the numbered SVG files are both drawn from frames, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import autograd

from ..graph.ids import edge_id, node_ids, node_order, op_id, out_edge_id
from ..graph.names import node_names, output_name
from ..graph.style import number
from .backprop import backprop_steps


@dataclass
class LedgerLine:
    """One line of the ledger: its role (title, rule, chain, ...) and its text."""

    role: str
    text: str
    values: dict = field(default_factory=dict)  # exact numbers, for the page's data- attributes


@dataclass
class Frame:
    kind: str  # forward, seed, backward
    title: str
    current: list[str]  # the node of this step: its value box and its op
    edges: list[str]  # the edges the step uses
    neighbours: list[str]  # operands read (forward) or inputs receiving gradient (backward)
    pending: list[str]  # not computed yet (forward steps)
    grads: dict[str, float]  # value id -> gradient printed in its box
    ledger: list[LedgerLine]


def frames(root: autograd.Value, forward: bool = False) -> list[Frame]:
    """One frame per step of ``backprop_steps(root, forward)``."""
    order = node_order(root)
    index = {v: i for i, v in enumerate(order)}
    box = node_ids(root)
    names = node_names(root)
    out_name = output_name(root, names)
    steps = backprop_steps(root, forward=forward)
    forward_steps = [s for s in steps if s.kind == "forward"]
    backward_count = len(steps) - len(forward_steps)
    zero = dict.fromkeys(box.values(), 0.0)
    not_computed = [v for v in order if v.parents]
    result = []
    for n, step in enumerate(steps):
        v = step.node
        i = index[v]
        if step.kind == "forward":
            not_computed.remove(v)
            result.append(
                Frame(
                    "forward",
                    f"Forward {n + 1} of {len(forward_steps)}: {v.made_by.symbol}",
                    [box[v], op_id(i)],
                    [edge_id(i, k) for k in range(len(v.parents))] + [out_edge_id(i)],
                    [box[p] for p in v.parents],
                    [element for u in not_computed for element in (box[u], op_id(index[u]))],
                    dict(zero),
                    _forward_ledger(step, names),
                )
            )
            continue
        grads = {box[u]: g for u, g in step.grads.items()}
        number_in_pass = n + 1 - len(forward_steps)
        if step.kind == "seed":
            result.append(
                Frame(
                    "seed",
                    f"Backward 1 of {backward_count}: start at the output",
                    [box[v]],
                    [],
                    [],
                    [],
                    grads,
                    [
                        LedgerLine("formula", f"d {out_name}/d {out_name} = 1"),
                        LedgerLine("grad", f"grad({names[v]}) = 1", {"grad": 1.0}),
                        LedgerLine("note", "Every other gradient starts at 0."),
                    ],
                )
            )
            continue
        result.append(
            Frame(
                "backward",
                f"Backward {number_in_pass} of {backward_count}: {v.made_by.symbol}",
                [box[v], op_id(i)],
                [out_edge_id(i)] + [edge_id(i, k) for k in range(len(v.parents))],
                [box[p] for p in v.parents],
                [],
                grads,
                _backward_ledger(step, names, out_name),
            )
        )
    return result


def _forward_ledger(step, names) -> list[LedgerLine]:
    v = step.node
    return [
        LedgerLine("node", f"{names[v]}"),
        LedgerLine("formula", f"out = {step.formula}"),
        LedgerLine("value", step.text, {"value": step.value}),
    ]


def _backward_ledger(step, names, out_name) -> list[LedgerLine]:
    v = step.node
    lines = [
        LedgerLine("formula", "grad(input) += grad(out) × d out/d input"),
        LedgerLine("node", f"out = {names[v]} = {number(v.data)}"),
        LedgerLine(
            "upstream",
            f"grad(out) = d {out_name}/d out = {number(step.upstream)}",
            {"upstream": step.upstream},
        ),
    ]
    if step.upstream == 0.0:
        lines.append(LedgerLine("note", "The upstream gradient is 0: nothing to pass on."))
    for inp in step.inputs:
        p = inp.node
        lines += [
            LedgerLine("input", f"{inp.name} = {names[p]} = {number(p.data)}"),
            LedgerLine("rule", inp.equation, {"local": inp.local}),
            LedgerLine(
                "chain",
                f"{number(step.upstream)} × {number(inp.local)} = {number(inp.product)}",
                {"product": inp.product},
            ),
            LedgerLine(
                "grad",
                f"grad({inp.name}): {number(inp.grad_before)} + {_signed(inp.product)}"
                f" = {number(inp.grad_after)}",
                {"grad": inp.grad_after},
            ),
        ]
    return lines


def _signed(x: float) -> str:
    return f"({number(x)})" if x < 0 else number(x)
