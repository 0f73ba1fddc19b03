"""Collapsing a network's graph into one box per neuron or per layer, using nn's scopes.

nn computes each neuron inside ``autograd.scope(name, kind="neuron")``, itself inside
``autograd.scope(layer_name, kind="layer")``, so every node knows its neuron and layer.
A group is every node made in scopes with the same path (the same neuron, whatever the
example it was computed for), plus the parameters used only inside it (a neuron's
weights and bias). Everything else (the data, the loss) is drawn as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import autograd

from .ids import group_id

COLLAPSE_KINDS = ("neuron", "layer")


@dataclass(eq=False)
class Group:
    """One box of a collapsed picture: a neuron or a layer."""

    index: int
    kind: str
    name: str
    members: list = field(default_factory=list)
    outputs: list = field(default_factory=list)  # members used outside the group, or the graph's outputs
    parameters: int = 0

    @property
    def element_id(self) -> str:
        return group_id(self.index)


def group_nodes(order: list[autograd.Value], outputs, kind: str) -> dict:
    """node -> Group for every node that belongs to a ``kind`` scope (others are absent).

    ``order`` lists every node with each after its parents (leaves first).
    """
    if kind not in COLLAPSE_KINDS:
        raise ValueError(f"collapse must be one of {COLLAPSE_KINDS} or None, got {kind!r}")
    groups: dict[tuple, Group] = {}
    group_of: dict[autograd.Value, Group] = {}

    def group_for(scope):
        found = scope.find(kind) if scope is not None else None
        if found is None:
            return None
        key = found.path
        if key not in groups:
            groups[key] = Group(-1, kind, found.name)
        return groups[key]

    for v in order:
        g = group_for(v.scope)
        if g is not None:
            group_of[v] = g

    # Fold in the parameters only used inside one group (a neuron's weights and bias); the
    # data (inputs and constants made outside any scope) stays outside: the boxes' inputs.
    consumers: dict[autograd.Value, set] = {}
    for v in order:
        for p in v.parents:
            consumers.setdefault(p, set()).add(group_of.get(v))
    for v in order:
        if v in group_of or not v.is_leaf or v in outputs:
            continue
        if not isinstance(v, autograd.Parameter):
            continue
        used_by = consumers.get(v, set())
        if len(used_by) == 1:
            (g,) = used_by
            if g is not None:
                group_of[v] = g

    # Number the groups as their names count (layers.0.neurons.2 before layers.0.neurons.10).
    for index, key in enumerate(sorted(groups, key=_natural)):
        groups[key].index = index
    for v in order:
        g = group_of.get(v)
        if g is None:
            continue
        g.members.append(v)
        if isinstance(v, autograd.Parameter):
            g.parameters += 1
        if v in outputs or any(c is not g for c in consumers.get(v, ())):
            g.outputs.append(v)
    return group_of


def _natural(path: tuple[str, ...]) -> list:
    """A sort key reading the numbers in names as numbers."""
    return [[int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)] for name in path]
