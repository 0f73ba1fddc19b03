"""The classic mistakes of backprop, as ready examples a teacher can show.

Each function returns a widget: the example's code, what it prints, and why.
"""

from __future__ import annotations

import html

import autograd

from .backprop_widget import Backprop
from .display import require_widgets


def value_used_twice(quiz: bool = False) -> Backprop:
    """y = a * b + a: a reaches y by two paths, so its gradient is the SUM of both, b + 1 (the += step)."""
    return Backprop("a * b + a", quiz=quiz, a=2.0, b=-3.0)


def backward_twice():
    """backward() twice without zero_grad(): the leaves' gradients add up (2 cos x instead of cos x)."""
    x = autograd.Value(0.5, label="x")
    y = autograd.sin(x)
    y.backward()
    first = x.grad
    y.backward()
    second = x.grad
    x.zero_grad()
    y.backward()
    fresh = x.grad
    return _page(
        "backward() twice without zeroing",
        "x = Value(0.5); y = sin(x)\ny.backward()   # x.grad\ny.backward()   # x.grad again, no zero_grad()\n"
        "x.zero_grad(); y.backward()",
        [
            ("after the first backward()", first),
            ("after the second, without zeroing", second),
            ("zeroed, then backward()", fresh),
        ],
        "Leaves accumulate their gradient across backward() calls (as in PyTorch), so a training "
        "loop must zero them before each step; the right value is cos(0.5) = "
        f"{fresh:.6g}, not {second:.6g}.",
    )


def grad_before_backward():
    """Reading .grad before backward(): it is 0, not the derivative (nothing has been computed yet)."""
    x = autograd.Value(2.0, label="x")
    y = x * x
    before = x.grad
    y.backward()
    after = x.grad
    return _page(
        "reading .grad before backward()",
        "x = Value(2.0); y = x * x\nx.grad        # before backward()\ny.backward(); x.grad",
        [("x.grad before backward()", before), ("x.grad after backward() (2x)", after)],
        "Building y only computes values (the forward pass); gradients exist once backward() has run.",
    )


def wrong_order():
    """Why a topological order: passing a gradient on before all of it has arrived gives a wrong number.

    y = a + exp(a) with a = w * x. In topological order, a passes on 1 + exp(a) (both paths);
    visiting nodes depth-first from y (a right after y) passes on only 1.
    """
    x, w = autograd.Value(1.5, label="x"), autograd.Value(0.5, label="w")
    a = w * x
    y = a + autograd.exp(a)
    right = chain_rule(y, autograd.topological_order(y))
    wrong = chain_rule(y, depth_first(y))
    rows = [
        (f"d y/d {leaf.label} (topological | depth-first)", f"{right[leaf]:.6g} | {wrong[leaf]:.6g}")
        for leaf in (w, x)
    ]
    return _page(
        "why a topological order",
        "a = w * x; y = a + exp(a)\n# each node passes grad(node) x local derivative to its inputs",
        rows,
        "Depth-first from y reaches a before exp(a) has added its part, so a passes on an "
        "incomplete gradient. A topological order visits a node only after every node that "
        f"uses it: d y/d w = x (1 + e^a) = {right[w]:.6g}.",
    )


def chain_rule(root, order) -> dict:
    """The chain rule run over ``order``: grad[p] += grad[v] * d v/d p for each node v in turn."""
    grads = {root: 1.0}
    for v in order:
        for p, local in zip(v.parents, v.local_grads()):
            grads[p] = grads.get(p, 0.0) + grads.get(v, 0.0) * local
    return grads


def depth_first(root) -> list:
    """The nodes in depth-first pre-order from root: a node before its inputs, but not after all its users."""
    seen, order, stack = set(), [], [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        stack.extend(reversed(v.parents))
    return order


def _page(title, code, rows, lesson):
    W = require_widgets()
    cells = "".join(
        f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(_shown(v))}</code></td></tr>" for k, v in rows
    )
    return W.HTML(
        f"<h4>{html.escape(title)}</h4><pre>{html.escape(code)}</pre>"
        f"<table>{cells}</table><p>{html.escape(lesson)}</p>"
    )


def _shown(v) -> str:
    return v if isinstance(v, str) else f"{v:.6g}"
