"""Names for the nodes of a graph: what the pictures and the ledger call each value.

A node with a label keeps it ("x", "w1", "layers.0.neurons.3.w.1"). Others are named
by the expression that computes them, as Python would write it ("w1 * x + log(x)"),
and inside a neuron by the lecture's letters: s for the weighted sum, h for the
activation.
"""

from __future__ import annotations

import autograd

from .style import number

NAME_LIMIT = 32
SPELLED_OUT = 4  # an n-ary op (a neuron's sum) with more inputs is written a1 + a2 + … + a9
PICTURE_LIMIT = 20  # a longer expression would make its box too wide: the box shows no name


def formula_text(op: autograd.Op, n: int) -> str:
    """The op's formula written out for n inputs: 'sin(a)', 'a * b', 'a1 + a2 + a3'.

    Up to ``SPELLED_OUT`` inputs each term of an n-ary op is written,
    'log(exp(a1) + exp(a2) + exp(a3))'; beyond, 'a1 + a2 + … + a9'.
    """
    return written(op, op.input_names(n))


def written(op: autograd.Op, operands: list[str]) -> str:
    """The op's template with these texts for its inputs: 'x * 2', 'sin(w1 * x)'.

    An n-ary op with more than ``SPELLED_OUT`` inputs shows the first two, an ellipsis
    and the last: 'a1 + a2 + … + a9'.
    """
    if op.arity is None and len(operands) > SPELLED_OUT:
        operands = [operands[0], operands[1], None, operands[-1]]
    return op.write(operands)


def node_names(root: autograd.Value) -> dict[autograd.Value, str]:
    """A short readable name per node of ``root``'s graph (see ``names``)."""
    return names(reversed(autograd.topological_order(root)))


def names(order) -> dict[autograd.Value, str]:
    """Each node's label; else s or h inside a neuron; else its number (a constant) or expression.

    ``order`` has each node after its operands. An expression longer than ``NAME_LIMIT``
    keeps its op and hides the operands: 'tanh(…)'.
    """
    out: dict[autograd.Value, str] = {}
    expressions: dict[autograd.Value, str] = {}  # operands are written as expressions, not as s or h
    for v in order:
        if v.label or not v.parents:
            out[v] = expressions[v] = v.label or f"{v.data:.4g}"  # a constant as written: 4, 0.5
            continue
        expressions[v] = _expression(v, expressions)
        neuron = v.scope.find("neuron") if v.scope is not None else None
        if neuron is not None and v.op == "sum":
            out[v] = "s"
        elif neuron is not None and len(v.parents) == 1 and v.parents[0].op == "sum":
            out[v] = "h"
        else:
            out[v] = expressions[v]
    return out


def _expression(v, names) -> str:
    op = v.made_by
    operands = [
        f"({names[p]})" if _needs_parentheses(op, k, p, names[p]) else names[p]
        for k, p in enumerate(v.parents)
    ]
    text = written(op, operands)
    if len(text) > NAME_LIMIT:
        text = written(op, ["…"] * len(operands))
    return text


def _needs_parentheses(op: autograd.Op, position: int, operand, text: str) -> bool:
    """Whether an operand's text needs brackets inside an infix formula, as Python would."""
    mine = op.precedence
    if mine is None:
        return False  # a function call: its own brackets are enough
    if text.startswith("-"):
        return True  # 2 * (-3), -(-a)
    theirs = None if (operand.label or not operand.parents) else operand.made_by.precedence
    if theirs is None:
        return False
    if theirs != mine:
        return theirs < mine
    if not op.regroups:
        return position == 1  # a - (b - c)
    return mine == 4 and position == 0  # (a ** b) ** c


def picture_names(order) -> dict[autograd.Value, str]:
    """The name each unlabelled intermediate value shows in its box: s, h, or a short expression.

    Leaves are left out (a constant shows its number anyway), and so is an expression
    longer than ``PICTURE_LIMIT`` (its box would grow too wide to read the graph).
    """
    return {
        v: name
        for v, name in names(order).items()
        if v.parents and not v.label and len(name) <= PICTURE_LIMIT and "…" not in name
    }


def output_name(root: autograd.Value, names: dict | None = None) -> str:
    """What to call the output in d(output)/d(node): its label or s/h, else 'y'."""
    name = (names or node_names(root))[root]
    return name if name.isidentifier() or root.label else "y"


def equation(root: autograd.Value) -> str:
    """The output as an equation for a heading: 'y = sin(w1 * x + log(x)) + cos(x)', 'h = tanh(s)'."""
    names = node_names(root)
    name = output_name(root, names)
    if not root.parents:
        return f"{name} = {number(root.data)}"
    op = root.made_by
    operands = [names[p] for p in root.parents]
    formula = written(op, operands)
    right = names[root] if names[root] != name else formula
    return f"{name} = {right}"
