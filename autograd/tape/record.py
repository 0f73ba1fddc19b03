"""Recording the graph a function builds for one example: the first step of the batch tape.

``record(fn, row)`` calls ``fn`` with one placeholder input Value per entry of ``row`` and
turns the graph it builds into a ``Program``: a list of nodes, each after its parents,
where every leaf is one of three kinds:

- an input: a placeholder, filled in from a column of X at every forward pass;
- a parameter: any other leaf Value except a Constant (``autograd.Parameter`` weights);
  the tape reads its current ``.data`` at every forward pass, so training updates count;
- a constant: an ``autograd.Constant`` (the 3 in ``3 * x``), a number fixed at tracing.

Nodes that change no number (a sum of one operand, a product by the constant 1) are
left out: their users read their operand instead. A node that repeats an earlier one
(the same op on the same operands, or a constant with the same number) is recorded once:
a loss written per class computes its regulariser once per class, and the tape then runs
it once.

``check_same_graph`` compares two programs recorded at different rows: a function whose
graph depends on the data (a Python ``if`` on ``.data``, a number taken from ``.data``)
builds different programs, and the tape refuses it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..backprop import topological_order
from ..context import STATE
from ..errors import DomainError
from ..ops import Op
from ..value import Constant, Value


class TraceError(ValueError):
    """The function cannot be replayed over a batch: the message says why and what to do."""


class Node(NamedTuple):
    """One node of a recorded program; ``parents`` are positions in the program.

    A named tuple rather than a frozen dataclass: a program has a node per Value of the
    graph, and a tuple is made several times faster (a fifth of the time to record a network).
    """

    kind: str  # "input", "parameter", "constant" or "op"
    op: Op | None = None
    parents: tuple[int, ...] = ()
    leaf: object = None  # the input's column, the parameter Value or the constant's number
    label: str = ""

    def same_as(self, other: Node) -> bool:
        """True when both nodes do the same thing (parameters must be the very same Value)."""
        if self.kind != other.kind or self.op is not other.op or self.parents != other.parents:
            return False
        if self.kind == "parameter":
            return self.leaf is other.leaf
        return self.leaf == other.leaf

    def describe(self) -> str:
        """'mul of nodes (3, 7)', 'parameter 'w1'', 'constant 2.0', 'input x[0]'."""
        if self.kind == "op":
            return f"{self.op.name} of nodes {self.parents}"
        if self.kind == "input":
            return f"input {self.label}"
        if self.kind == "constant":
            return f"constant {self.leaf!r}"
        return f"parameter {self.label!r} ({type(self.leaf).__name__} at {id(self.leaf):#x})"


@dataclass(frozen=True)
class Program:
    """A recorded graph: ``nodes`` (every node after its parents) and the ``outputs``' positions.

    ``single`` is True when fn returned one Value rather than a list of Values;
    ``dynamic`` says for each node whether it depends on an input (found while recording).
    """

    n_inputs: int
    nodes: tuple[Node, ...]
    outputs: tuple[int, ...]
    single: bool
    dynamic: tuple[bool, ...]


def record(fn, row) -> Program:
    """Call ``fn`` on placeholder inputs holding ``row`` and record the graph it returns.

    Recording is the point of tracing, so the graph is recorded even inside
    ``autograd.no_grad()`` (which is in force again once fn returns): a plot that runs
    under no_grad can still trace the model it draws.
    """
    inputs = [Value(float(x), label=f"x[{i}]") for i, x in enumerate(row)]
    with _recording():
        try:
            result = fn(*inputs)
        except DomainError as error:
            raise DomainError(
                f"fn failed at the example row {np.asarray(row).tolist()}: {error}. "
                "Pass examples= rows where fn is defined"
            ) from error
    outputs, single = _as_outputs(result)
    column = {x: i for i, x in enumerate(inputs)}  # Values hash by identity
    nodes, position, recorded, dynamic = [], {}, {}, []
    for v in _order(outputs):
        op = v.made_by
        if op is None:
            node = _leaf(v, column)
            key = node.leaf.hex() if node.kind == "constant" else None  # 0.0 and -0.0 differ
        else:
            parents = v.parents
            same = _identity_operand(op, parents) if op.reducer is not None or op.product else None
            if same is not None:
                position[v] = position[same]  # the node is its operand: no row, no array operation
                continue
            at = tuple(map(position.__getitem__, parents))
            node, key = None, (op, at)  # the node is made below, unless it repeats one
        if key is not None:
            earlier = recorded.setdefault(key, len(nodes))
            if earlier != len(nodes):
                position[v] = earlier  # the same computation again: its users read the first
                continue
        if node is None:
            node = Node("op", op, at, None, v.label)
            dynamic.append(any(map(dynamic.__getitem__, at)))
        else:
            dynamic.append(node.kind == "input")
        position[v] = len(nodes)
        nodes.append(node)
    program = Program(len(inputs), tuple(nodes), tuple(position[v] for v in outputs), single, tuple(dynamic))
    _check_outputs_use_inputs(program)
    return program


def check_same_graph(first: Program, other: Program, first_row, other_row) -> None:
    """Raise TraceError if ``other`` (recorded at other_row) differs from ``first``."""
    where = f"at the example rows {np.asarray(first_row).tolist()} and {np.asarray(other_row).tolist()}"
    hint = (
        "The tape replays ONE graph for every row, so fn must build the same graph for every "
        "example: no Python `if` on .data, no numbers taken from .data (float(x), x.data), no new "
        "leaf Values made inside fn (write plain numbers, 2 * x, for constants). Run such a function "
        "on the scalar engine instead."
    )
    if first.single != other.single or len(first.outputs) != len(other.outputs):
        raise TraceError(f"fn returned a different number of outputs {where}. {hint}")
    if len(first.nodes) != len(other.nodes):
        raise TraceError(
            f"fn built different graphs {where} ({len(first.nodes)} and {len(other.nodes)} nodes): "
            f"its graph depends on the data. {hint}"
        )
    for i, (a, b) in enumerate(zip(first.nodes, other.nodes)):
        if not a.same_as(b):
            raise TraceError(
                f"fn built different graphs {where}: node {i} is {a.describe()} in one and "
                f"{b.describe()} in the other. {hint}"
            )
    if first.outputs != other.outputs:
        raise TraceError(f"fn returned different nodes as outputs {where}. {hint}")


@contextmanager
def _recording():
    """Record graphs inside this block, whatever ``autograd.no_grad()`` says outside it."""
    before = STATE.grad_enabled
    STATE.grad_enabled = True
    try:
        yield
    finally:
        STATE.grad_enabled = before


def _as_outputs(result) -> tuple[list[Value], bool]:
    if isinstance(result, Value):
        return [result], True
    if not isinstance(result, (list, tuple)):
        raise TypeError(f"fn must return a Value or a list of Values, got {type(result).__name__}")
    if not result:
        raise TypeError("fn must return a Value or a list of Values, got an empty list")
    for i, v in enumerate(result):
        if not isinstance(v, Value):
            raise TypeError(f"fn must return Values, but output {i} is {type(v).__name__} {v!r}")
    return list(result), False


def _order(outputs: list[Value]) -> list[Value]:
    """Every node the outputs depend on, each after its parents (leaves first).

    ``autograd.topological_order`` of each output, read leaves first: parents are
    visited in their order, so the products of a neuron's sum come out in order, one
    neuron after another, and a group's operands often sit in consecutive rows (cheaper
    to read). Nodes shared between outputs are listed once, where they first appear.
    """
    seen = set()
    order = []
    for out in outputs:
        if out in seen:
            continue  # listed already, with everything it depends on (a loss's outputs)
        for v in reversed(topological_order(out)):
            if v not in seen:
                seen.add(v)
                order.append(v)
    return order


def _identity_operand(op: Op, parents: tuple) -> Value | None:
    """The operand that op(parents) equals exactly, when op changes no number: a sum of one, a product by 1.

    Losses written for a batch make these for a batch of one (the mean of one term is
    sum([t]) * (1/1)); leaving them out of the program saves two array operations each
    way, and x * 1.0 == x holds for every float, so no result changes.
    """
    if op.reducer is not None and len(parents) == 1:
        return parents[0]  # a fold of one operand is that operand
    if op.product:
        a, b = parents
        if isinstance(b, Constant) and b.data == 1.0:
            return a
        if isinstance(a, Constant) and a.data == 1.0:
            return b
    return None


def _leaf(v: Value, column: dict) -> Node:
    if v in column:
        return Node("input", leaf=column[v], label=v.label)
    if isinstance(v, Constant):
        return Node("constant", leaf=v.data, label=v.label)
    return Node("parameter", leaf=v, label=v.label)


def _check_outputs_use_inputs(program: Program) -> None:
    for i, out in enumerate(program.outputs):
        if not program.dynamic[out]:
            raise TraceError(
                f"output {i} of fn does not depend on its inputs ({program.nodes[out].describe()}): "
                "the tape replays fn over the rows of X, so every output must use them"
            )
