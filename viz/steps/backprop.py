"""Backprop step by step: the chain rule at each node, in the order the engine runs it.

One backward pass is, for every node v from the output back to the leaves
(``autograd.topological_order``), for each input p of v:

    grad[p] += grad[v] * d v / d p        (upstream gradient times local derivative)

``backprop_steps`` records each of those steps with its numbers: it runs the engine's
reference backward pass (``autograd.reference_backward``), which reports every edge, so
the graph's own ``.grad`` values are never touched and the chain rule is written once.
The local derivatives and their text come from the op table.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import autograd

from ..graph.names import formula_text, written
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
    steps: list = [_forward_step(v) for v in reversed(order) if v.parents] if forward else []
    grads = dict.fromkeys(order, 0.0)  # every node's gradient so far, for the pictures
    grads[root] = 1.0
    steps.append(SeedStep(root, MappingProxyType(dict(grads))))
    inputs: list[InputGrad] = []

    def on_step(node, position, parent, upstream, local, grad_after):
        """One edge of the chain rule; the node's step is complete with its last input."""
        n = len(node.parents)
        product = 0.0 if upstream == 0.0 else upstream * local
        names = node.made_by.input_names(n)
        inputs.append(
            InputGrad(
                parent,
                position,
                names[position],
                node.made_by.rule_text(position, n),
                local,
                product,
                grads[parent],
                grad_after,
            )
        )
        grads[parent] = grad_after
        if position == n - 1:
            steps.append(BackwardStep(node, upstream, tuple(inputs), MappingProxyType(dict(grads))))
            inputs.clear()

    autograd.reference_backward(root, on_step)
    return steps


def _forward_step(v) -> ForwardStep:
    op = v.made_by
    n = len(v.parents)
    # A negative number gets brackets unless its place has some already: 2 * (-3), but exp(-3).
    values = [
        f"({number(p.data)})" if p.data < 0 and not op.bracketed(k) else number(p.data)
        for k, p in enumerate(v.parents)
    ]
    numbers = written(op, values)
    formula = formula_text(op, n)
    return ForwardStep(v, formula, f"{formula} = {numbers} = {number(v.data)}", v.data)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
