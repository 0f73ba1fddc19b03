"""Levels and groups: how the tape turns a recorded program into a few array operations.

The level of a node is the longest path from the leaves to it (leaves are at level 0),
or, if that makes fewer groups, the latest level its users allow (see ``latest_levels``).
Nodes at the same level never depend on each other, so all the nodes of one level that
apply the same op (same table entry, same settings) form one group, run as ONE numpy
operation over a block of rows. A layer of 100 neurons is one group of 100 sums: the
number of groups grows with the depth of the graph, not with its width.

Nodes live in two buffers, one row per node:

- ``V``, dynamic: the nodes that depend on the inputs, one column per example:
  ``inputs | group | group | ... | mirrors``;
- ``S``, static: the nodes that do not (parameters, constants, a regulariser such as
  the sum of squared weights), ONE column, the same for every example:
  ``parameters | constants | group | ...``.

A static node is computed once per pass, not once per example. A dynamic group reads a
static operand straight from S (broadcast over the examples) when every node of the
group has a static operand in that place (the weight in w * x); where static and dynamic
operands mix in one place, the static ones are copied to "mirror" rows of V first, so
one gather reads them all. A sum adds its static operands (a neuron's bias) apart; any
other n-ary op (logsumexp) reads its operands in order, the static ones from mirrors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ops import Op
from .record import Program

DYNAMIC, STATIC = 0, 1
"""The two buffers: V (a column per example) and S (one column)."""


@dataclass(frozen=True)
class GroupPlan:
    """One group: its op, level and buffer, its block of rows, and where its operands are.

    ``places``: (buffer, rows) per operand place. For an op with k operands, k places
    with one row per node. For a fold (an op with a ``reducer``: sum), two places holding every
    node's operands end to end: those in the group's own buffer, then (for a dynamic
    group) the static ones. For any other n-ary op (logsumexp), one place holding every
    node's operands end to end, in order (static ones through mirrors in a dynamic
    group). ``owners`` says, per place, which node each operand belongs to.
    ``operands``: per node, the (buffer, row) of each of its operands, in order.

    ``fused``: the group's nodes are weighted sums (see ``weighted_sums``), whose
    products w * x have no rows of their own: three places hold, node after node, the
    rows of the x (in V), of the w (in S) and of the static operands (a bias), with
    their owners; ``operands`` names each product by its x.
    """

    op: Op
    level: int
    space: int  # DYNAMIC or STATIC
    start: int  # the group's nodes are rows start, start + 1, ... of its buffer
    places: tuple[tuple[int, tuple[int, ...]], ...]
    owners: tuple[tuple[int, ...], ...]
    operands: tuple[tuple[tuple[int, int], ...], ...]
    fused: bool = False

    @property
    def size(self) -> int:
        return len(self.operands)

    @property
    def counts(self) -> list[int]:
        """The number of operands of each node."""
        return [len(refs) for refs in self.operands]


@dataclass(frozen=True)
class Layout:
    """Where every node of a program lives, and the groups in the order they run."""

    n_inputs: int
    sizes: tuple[int, int]  # rows of V and of S
    parameters: tuple  # the parameter Values, in rows 0, 1, ... of S
    constants: tuple[float, ...]  # their numbers, in the rows of S after the parameters
    groups: tuple[GroupPlan, ...]  # the static groups, then the dynamic ones, by level
    mirrors: tuple[tuple[int, int], ...]  # (row of V, row of S): V's copy of a static node
    outputs: tuple[int, ...]  # the rows of V holding fn's outputs
    labels: tuple[tuple[str, ...], tuple[str, ...]]  # per buffer, per row, for messages


def levels(program: Program) -> list[int]:
    """Each node's level: 0 for a leaf, else 1 + the highest level among its parents."""
    level = []
    for node in program.nodes:
        level.append(1 + max(map(level.__getitem__, node.parents)) if node.parents else 0)
    return level


def latest_levels(program: Program, depth: int | None = None) -> list[int]:
    """Each node's level when it runs as late as the nodes that use it allow.

    The depth of the graph minus the longest path from the node to a node nobody uses.
    Branches of different lengths that meet at the end (the loss of each class, added
    up) then line up at their ends, where ``levels`` lines them up at their starts.
    ``depth`` is the graph's (the highest of ``levels``), when the caller has it.
    """
    nodes = program.nodes
    below = [0] * len(nodes)  # the longest path from each node down to an unused node
    for i in reversed(range(len(nodes))):
        longer = below[i] + 1
        for p in nodes[i].parents:
            if below[p] < longer:
                below[p] = longer
    if depth is None:
        depth = max(levels(program), default=0)
    return [depth - b for b in below]


def weighted_sums(program: Program) -> dict[int, list[int]]:
    """The sums that are a neuron's weighted sum: {sum: its products}, to run as matrix products.

    A dynamic sum qualifies when each of its dynamic operands is a product w * x of a
    static w (a weight) and a dynamic x that nothing else uses; its static operands (a
    bias) stay as they are. A layer of such sums over the same inputs is then one
    matrix product W @ X, instead of a product per weight and a sum per neuron.
    """
    nodes, is_dynamic = program.nodes, program.dynamic
    uses = [0] * len(nodes)
    for node in nodes:
        for p in node.parents:
            uses[p] += 1
    for i in program.outputs:
        uses[i] += 1

    def product(i: int) -> bool:
        node = nodes[i]
        if node.kind != "op" or not node.op.product or uses[i] != 1:
            return False
        a, b = node.parents
        return is_dynamic[a] != is_dynamic[b]  # one static (the weight), one dynamic (the x)

    fused = {}
    for i, node in enumerate(nodes):
        if node.kind == "op" and node.op.reducer is np.add and is_dynamic[i]:
            products = [p for p in node.parents if is_dynamic[p]]
            if all(product(p) for p in products):
                fused[i] = products
    return fused


def layout(program: Program) -> Layout:
    """Give every node a row of V or S and gather the op nodes into groups.

    Weighted sums take in their products (``weighted_sums``). Of the two schedules,
    each node as early (``levels``) or as late (``latest_levels``) as it can run, the
    one that makes fewer groups is taken.
    """
    nodes = program.nodes
    is_dynamic = program.dynamic  # whether each node depends on an input
    fused = weighted_sums(program)
    taken_in = {p for products in fused.values() for p in products}

    by_kind = {"input": [], "parameter": [], "constant": [], "op": []}
    for i, node in enumerate(nodes):
        by_kind[node.kind].append(i)
    grouped = [i for i in by_kind["op"] if i not in taken_in]

    def group_keys(level: list[int]) -> dict[int, tuple]:
        """{node: the key of its group}: nodes with equal keys run as one array operation."""
        return {i: (is_dynamic[i], level[i], id(nodes[i].op), i in fused) for i in grouped}

    early = levels(program)
    schedules = [group_keys(early), group_keys(latest_levels(program, max(early, default=0)))]
    keys = min(schedules, key=lambda k: len(set(k.values())))
    where = {}  # node -> (buffer, row)
    size = [program.n_inputs, 0]
    labels = ([f"x[{k}]" for k in range(program.n_inputs)], [])

    def place(members: list[int], space: int) -> int:
        """Give the nodes consecutive rows of a buffer; the first row."""
        start = size[space]
        for row, i in enumerate(members, start):
            where[i] = (space, row)
        size[space] += len(members)
        labels[space].extend([nodes[i].label for i in members])
        return start

    place(by_kind["parameter"] + by_kind["constant"], STATIC)
    for i in by_kind["input"]:
        where[i] = (DYNAMIC, nodes[i].leaf)  # input k is row k of V, used or not
    groups: dict[tuple, list[int]] = {}
    for i, key in keys.items():
        groups.setdefault(key, []).append(i)

    plans = []
    for key in sorted(groups, key=lambda k: k[:2]):  # sorted() is stable: first seen, first run
        members = groups[key]
        space = DYNAMIC if key[0] else STATIC
        plans.append((members, space, place(members, space), key[1]))

    mirrors: dict[int, int] = {}  # row of S -> its mirror row in V

    def mirrored(refs: list[tuple[int, int]]) -> tuple[int, tuple[int, ...]]:
        """One buffer for a place: S if every operand is static, else V (with mirrors)."""
        if all(s == STATIC for s, _ in refs):
            return STATIC, tuple(r for _, r in refs)
        rows = []
        for s, r in refs:
            if s == STATIC and r not in mirrors:
                mirrors[r] = size[DYNAMIC]
                size[DYNAMIC] += 1
                labels[DYNAMIC].append(labels[STATIC][r])
            rows.append(mirrors[r] if s == STATIC else r)
        return DYNAMIC, tuple(rows)

    group_plans = []
    for members, space, start, lvl in plans:
        op = nodes[members[0]].op
        if members[0] in fused:
            group_plans.append(_weighted_sums_plan(nodes, members, fused, where, lvl, start))
            continue
        operands = tuple([tuple([where[p] for p in nodes[i].parents]) for i in members])
        if op.reducer is not None:
            places, owners = _split_by_buffer(operands, space)
        elif op.arity is None:
            places = (mirrored([ref for refs in operands for ref in refs]),)
            owners = (tuple(node for node, refs in enumerate(operands) for _ in refs),)
        else:
            places, owners = tuple(mirrored(list(refs)) for refs in zip(*operands)), ()
        group_plans.append(GroupPlan(op, lvl, space, start, places, owners, operands))

    return Layout(
        n_inputs=program.n_inputs,
        sizes=(size[DYNAMIC], size[STATIC]),
        parameters=tuple(n.leaf for n in nodes if n.kind == "parameter"),
        constants=tuple(n.leaf for n in nodes if n.kind == "constant"),
        groups=tuple(group_plans),
        mirrors=tuple((v, s) for s, v in mirrors.items()),
        outputs=tuple(where[i][1] for i in program.outputs),
        labels=(tuple(labels[DYNAMIC]), tuple(labels[STATIC])),
    )


def _weighted_sums_plan(nodes, members, fused, where, level: int, start: int) -> GroupPlan:
    """The plan of a group of weighted sums: the x, w and static rows of each, node after node."""
    xs, ws, statics, pair_owners, static_owners, operands = [], [], [], [], [], []
    for node, i in enumerate(members):
        refs = []
        for p in nodes[i].parents:
            if p in fused[i]:
                a, b = nodes[p].parents
                w, x = (a, b) if where[a][0] == STATIC else (b, a)
                xs.append(where[x][1])
                ws.append(where[w][1])
                pair_owners.append(node)
                refs.append(where[x])
            else:
                statics.append(where[p][1])
                static_owners.append(node)
                refs.append(where[p])
        operands.append(tuple(refs))
    places = ((DYNAMIC, tuple(xs)), (STATIC, tuple(ws)), (STATIC, tuple(statics)))
    owners = (tuple(pair_owners), tuple(static_owners))
    return GroupPlan(nodes[members[0]].op, level, DYNAMIC, start, places, owners, tuple(operands), fused=True)


def _split_by_buffer(operands, space: int):
    """The places of an n-ary group: its operands in its own buffer, then the static ones.

    A dynamic node has at least one dynamic operand, so every node has at least one
    operand in the first place (the fold starts there).
    """
    own, static, own_owners, static_owners = [], [], [], []
    for node, refs in enumerate(operands):
        for s, r in refs:
            if s == space:
                own.append(r)
                own_owners.append(node)
            else:
                static.append(r)
                static_owners.append(node)
    places = ((space, tuple(own)), (STATIC, tuple(static)))
    return places, (tuple(own_owners), tuple(static_owners))
