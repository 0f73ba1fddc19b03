"""Backprop step by step: the chain rule at each node, in the order the engine runs it.

One backward pass is, for every node v from the output back to the leaves
(``autograd.topological_order``), for each input p of v:

    grad[p] += grad[v] * d v / d p        (upstream gradient times local derivative)

``backprop_steps`` records each of those steps with its numbers, computed on the side:
the graph's own ``.grad`` values are never touched. The local derivatives and their
text come from the op table, exactly as the engine's backward pass uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import autograd

from ..graph.names import OPERAND, formula_text
from ..graph.style import number


@dataclass(frozen=True)
class ForwardStep:
    """The forward pass at one node: its op applied to its operands' values."""

    kind: ClassVar[str] = "forward"
    node: autograd.Value
    formula: str  # "sin(a)", from the op table
    text: str  # "sin(a) = sin(1.6931) = 0.9925"
    value: float


@dataclass(frozen=True)
class SeedStep:
    """The start of backward: d out / d out = 1 at the output."""

    kind: ClassVar[str] = "seed"
    node: autograd.Value
    grads: MappingProxyType  # every node's gradient after this step

    @property
    def upstream(self) -> float:
        return 1.0


@dataclass(frozen=True)
class InputGrad:
    """What one input of a node receives in one step: upstream * local, added to its grad."""

    node: autograd.Value  # the input
    position: int  # its place among the node's operands
    name: str  # the op table's name for it: a, b, a1, a2, ...
    rule: str  # "d sin(a)/da = cos(a)", from the op table
    local: float | None  # d out / d input (None only if not needed: upstream 0 and infinite)
    product: float  # upstream * local, added to the input's grad
    grad_before: float
    grad_after: float

    @property
    def equation(self) -> str:
        """The rule with its number: 'd sin(a)/da = cos(a) = -0.1220'."""
        if _is_number(self.rule.rsplit("= ", 1)[-1]):
            return self.rule  # the rule is a number already: "d (a + b)/da = 1"
        return f"{self.rule} = {number(self.local)}"


@dataclass(frozen=True)
class BackwardStep:
    """Backward at one node: its gradient (upstream) passed on to each of its inputs."""

    kind: ClassVar[str] = "backward"
    node: autograd.Value
    upstream: float  # d out / d node, complete when the node's turn comes
    inputs: tuple[InputGrad, ...]
    grads: MappingProxyType  # every node's gradient after this step


def backprop_steps(root: autograd.Value, forward: bool = False) -> list:
    """The steps of one backward pass from ``root``, in the order the engine runs them.

    First a ``SeedStep`` (d root / d root = 1), then a ``BackwardStep`` for every node made
    by an op, in ``autograd.topological_order``. With ``forward=True`` a ``ForwardStep``
    per op node comes first. Gradients start from 0, as after ``zero_grad()``, so the last
    step's ``grads`` equal what ``root.backward()`` gives on a fresh graph.
    """
    if not isinstance(root, autograd.Value):
        raise TypeError(
            f"backprop_steps needs a Value (the output of an expression), got {type(root).__name__}"
        )
    order = autograd.topological_order(root)
    steps: list = []
    if forward:
        steps.extend(_forward_step(v) for v in reversed(order) if v.parents)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    steps.append(SeedStep(root, MappingProxyType(dict(grads))))
    for v in order:
        if v.parents:
            steps.append(_backward_step(v, grads))
    for v, g in grads.items():
        if g - g != 0.0:
            raise autograd.DomainError(f"the gradient overflowed: {v!r} (the output was {root!r})")
    return steps


def _backward_step(v, grads) -> BackwardStep:
    g = grads[v]
    try:
        local = v.local_grads()
    except autograd.DomainError:
        if g != 0.0:
            raise  # the engine fails here too: an infinite derivative that is needed
        local = (None,) * len(v.parents)  # the engine skips a node with no gradient to pass on
    names = v.op_entry.input_names(len(v.parents))
    inputs = []
    for k, p in enumerate(v.parents):
        product = 0.0 if g == 0.0 else g * local[k]
        before = grads[p]
        grads[p] = before + product
        inputs.append(
            InputGrad(
                p, k, names[k], rule(v.op_entry, k, len(v.parents)), local[k], product, before, grads[p]
            )
        )
    return BackwardStep(v, g, tuple(inputs), MappingProxyType(dict(grads)))


def _forward_step(v) -> ForwardStep:
    op = v.op_entry
    formula = formula_text(op, len(v.parents))
    values = dict(zip(op.input_names(len(v.parents)), v.parents))

    def substitute(match):
        x = values[match.group(1)].data
        text = match.string
        alone = text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")"
        return f"({number(x)})" if x < 0 and not alone else number(x)  # 2 * (-3), but exp(-3)

    return ForwardStep(
        v, formula, f"{formula} = {OPERAND.sub(substitute, formula)} = {number(v.data)}", v.data
    )


def rule(op: autograd.Op, i: int, n: int) -> str:
    """The op table's rule for input i: 'd sin(a)/da = cos(a)', 'd (a1 + ... + an)/da2 = 1'.

    A binary formula gets brackets, 'd (a * b)/da = b', so the derivative reads as one.
    """
    text = op.rule_text(i, n)
    if op.arity is not None and " " in op.formula:
        text = text.replace(f"d {op.formula}/", f"d ({op.formula})/", 1)
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
