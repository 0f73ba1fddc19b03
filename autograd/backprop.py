"""Reverse-mode backprop: the chain rule applied to a graph, output to leaves.

For every node v, in an order where v comes after every node that uses it:

    grad[parent] += grad[v] * d v / d parent      (for each parent of v)

The local derivatives d v / d parent come from the op table. ``reference_backward`` below
is that loop and nothing else: read it first. ``backward`` and ``grad`` (the fast path,
further down) do the same on the nodes' ``.grad`` slots, with the shortcuts that make a
training step fast; tests check on random graphs that both give the same numbers.
The order is found with loops, not recursion, so a chain of a million ops needs no deep
Python stack.

This module reads nodes only through their attributes (``parents``, ``local_grads()``,
their slots), so it imports nothing from ``value.py``: value.py imports it for
``Value.backward``, and the arrow goes one way.
"""

from __future__ import annotations

from .context import gc_paused
from .errors import DomainError, domain_error
from .mathspaces import FLOATS, VALUES


def reference_backward(root, on_step=None) -> dict:
    """d root / d node for every node root depends on, as a dict {node: gradient}.

    The chain rule as the lecture writes it; no ``.grad`` is touched. ``on_step``, if
    given, is called once per edge, in the order the chain rule runs, as
    ``on_step(node, position, parent, upstream, local, grad_after)``: the node's gradient
    (upstream), d node / d parent (local) and the parent's gradient after adding their
    product. ``local`` is None where the derivative is infinite but no gradient flows.
    As ``backward``, it raises DomainError when the gradient of a leaf that is not a
    Constant overflows (a Constant's may be inf: nobody asks for it).
    """
    _check_value(root, "reference_backward needs a Value")
    order = topological_order(root)  # root first, every node before the nodes it uses
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0  # d root / d root
    for node in order:
        if not node.parents:
            continue  # a leaf: nothing to pass on
        upstream = grads[node]  # complete: every node that uses this one came before
        local = _local_grads(node, upstream)  # d node / d parent, from the op table
        for position, parent in enumerate(node.parents):
            if upstream != 0.0:
                grads[parent] += upstream * local[position]  # the chain rule
            if on_step is not None:
                on_step(node, position, parent, upstream, local[position], grads[parent])
    _check_finite(grads, root)
    return grads


def _local_grads(node, upstream):
    """The node's local derivatives; None each where one is infinite but upstream is 0.

    A zero gradient passes nothing on, so an infinite derivative there (sqrt at 0) does
    not matter: the fast path skips such a node, and so do we.
    """
    try:
        return node.local_grads()
    except DomainError:
        if upstream != 0.0:
            raise
        return (None,) * len(node.parents)


def _check_finite(grads, root):
    for v, g in grads.items():
        if g - g != 0.0 and v._a is None and not v.is_constant:  # inf or nan, at a leaf that matters
            raise _overflow(v, root, grads)


def _overflow(v, root, order) -> DomainError:
    """The error for a gradient that is inf or nan at v; a nan or inf in some node's data
    (set by hand: the engine never makes one) is named as the cause."""
    for u in order:
        if u.data - u.data != 0.0:
            return DomainError(
                f"the gradient of {v!r} is not finite because a node's data is {u.data!r}: "
                f"{u!r} (was its data set directly?)"
            )
    return DomainError(f"the gradient overflowed: {v!r} (the output was {root!r})")


def _check_value(x, message: str) -> None:
    """A TypeError unless x is a node of a graph (a Value): read by its slots, not its class."""
    if not hasattr(x, "_a") or not hasattr(x, "grad"):
        raise TypeError(f"{message}, got {type(x).__name__}")


# ----- The fast path: the same chain rule on .grad slots, for training -----


def topological_order(root) -> list:
    """Every node ``root`` depends on, each before the nodes it depends on.

    This is the order backward runs in: ``root`` first, the leaves last. It is a
    depth-first search run with an explicit stack instead of recursion, so a chain of a
    million ops works at Python's default recursion limit.
    """
    _check_value(root, "expected a Value")
    return _depth_first(root, zero_interior=False, constants=True)


_DONE = object()  # on the stack above a node: "its operands are done, append it"


def _depth_first(root, zero_interior, constants):
    """topological_order; with zero_interior, it also sets interior grads to 0 on the way
    (backward needs that, and doing it here saves a pass over a large graph). Without
    constants, plain number operands stay floats in their node and are left out (the
    float backward pass reads them there); with it, they become their Constant leaves."""
    visited = set()
    order = []
    stack = [root]
    push, pop, visit, append = stack.append, stack.pop, visited.add, order.append
    while stack:
        v = pop()
        if v is _DONE:
            append(pop())  # every operand of this node is in order already
            continue
        if v in visited:
            continue
        visit(v)
        a = v._a  # the operands' slots (see Value.parents)
        if a is None:
            append(v)  # a leaf
            continue
        if zero_interior:
            v.grad = 0.0
        push(v)
        push(_DONE)
        # Operands are pushed last first, so the search walks them first to last:
        # leaves come out in the order they were written (x1, x2, x3), and backward
        # visits the most recently made nodes first, as PyTorch does.
        if type(a) is tuple:
            for p in reversed(a):
                if p not in visited:
                    push(p)
        else:
            b = v._b
            if constants and (a.__class__ is float or b.__class__ is float):
                a, b = v.parents
            if b is not None and b.__class__ is not float and b not in visited:
                push(b)
            if a.__class__ is not float and a not in visited:
                push(a)
    order.reverse()
    return order


def backward(root, create_graph: bool = False) -> None:
    """Set ``grad`` on every node root depends on to d root / d node.

    Interior nodes get this pass's gradient; leaves add it to what they hold (see
    ``Value.backward``). With ``create_graph=True`` the gradients are Values built by the
    op table's rules applied to Values, so they can be differentiated again.

    A zero gradient passes nothing on: a node whose gradient is exactly 0 does not run
    its local rule, so an infinite local derivative there does not matter, and both
    paths give ``sqrt(x) * 0`` at x = 0 the gradient 0. With ``create_graph=True`` "exactly
    0" means 0 as a function too (made of Constants only): ``sqrt(x) * y`` at x = y = 0
    has d/dx = 0, but d/dy of that is infinite, so the Values path raises DomainError
    there rather than return a gradient whose own derivative would be wrong (it raises
    too for a zero that is only flat nearby, ``sqrt(x) * relu(x - 1)``: it does not look
    that far).

    Only what is asked for is checked: a DomainError when the gradient of a leaf that is
    not a Constant overflows. A Constant's is computed on the float path for the
    pictures and may be inf (``(x * 1e-300) * 1e300`` at x = 1e300: the 1e-300 has
    d/dc = 1e600); with ``create_graph=True`` Constants get no gradient graph at all
    (ask ``grad(output, constant)`` for one).

    On any error (an overflow, an infinite derivative, Ctrl-C) every leaf's ``grad``
    is put back as it was and every interior one to 0: nothing is left half-updated.
    """
    with gc_paused(not create_graph):
        _check_value(root, "backward needs a Value")
        order = _depth_first(root, zero_interior=True, constants=create_graph)
        leaves = [v for v in order if v._a is None]
        held = [v.grad for v in leaves]
        try:
            if create_graph:
                _chain_rule_values(order, frozenset())
            else:
                _chain_rule_floats(order)
                for v in leaves:
                    if v.grad - v.grad != 0.0 and not v.is_constant:  # inf or nan
                        raise _overflow(v, root, order)
        except BaseException:
            for v in order:
                v.grad = 0.0
            for v, g in zip(leaves, held):
                v.grad = g
            raise


def grad(output, inputs, create_graph: bool = False):
    """d output / d input for each input, leaving every ``grad`` attribute as it was.

    ``inputs`` is one Value or a sequence of Values; the answer has the same shape (a
    float or a list of floats; Values with ``create_graph=True``). An input the output
    does not depend on gets 0. A DomainError when the gradient of an input overflows;
    other nodes' are not asked for, so not checked (see ``backward``).
    """
    _check_value(output, "grad needs a Value as output")
    single = hasattr(inputs, "_a")  # one Value (see _check_value), not a sequence of them
    inputs = [inputs] if single else list(inputs)
    for x in inputs:
        if not hasattr(x, "_a") or not hasattr(x, "grad"):
            raise TypeError(f"grad needs Values as inputs, got {type(x).__name__} {x!r}")
    with gc_paused(not create_graph):
        # The float pass reads plain numbers where they are folded (see _depth_first);
        # the Values pass needs their Constants, which an input may be.
        order = _depth_first(output, zero_interior=False, constants=create_graph)
        touched = order + inputs  # an input the output does not use keeps the 0 set here
        saved = [v.grad for v in touched]
    try:
        for v in touched:
            v.grad = 0.0
        with gc_paused(not create_graph):
            if create_graph:
                _chain_rule_values(order, set(inputs))
            else:
                _chain_rule_floats(order)
        answer = [x.grad for x in inputs]
        if not create_graph:  # a Values path raises at the op that overflows
            for x, g in zip(inputs, answer):
                if g - g != 0.0:  # inf or nan
                    raise _overflow(x, output, order)
    finally:
        for v, g in zip(touched, saved):  # a node listed twice saved the same number twice
            v.grad = g
    return answer[0] if single else answer


def _chain_rule_floats(order):
    """The backward pass on floats; interior grads must be 0 and order[0] the output."""
    root = order[0]
    root.grad += 1.0
    v = root
    try:
        for v in order:
            a = v._a
            if a is None:
                continue
            g = v.grad
            if g == 0.0:
                continue  # nothing to pass on (and the local rule need not run)
            b = v._b
            if b is not None:
                if b.__class__ is float:  # a plain number operand: its gradient is not kept
                    a.grad += g * v._op.local(FLOATS, v.data, a.data, b)[0]
                elif a.__class__ is float:
                    b.grad += g * v._op.local(FLOATS, v.data, a, b.data)[1]
                else:
                    da, db = v._op.local(FLOATS, v.data, a.data, b.data)
                    a.grad += g * da
                    b.grad += g * db
            elif type(a) is tuple:
                for p, d in zip(a, v._op.local(FLOATS, v.data, *[p.data for p in a])):
                    p.grad += g * d
            else:
                a.grad += g * v._op.local(FLOATS, v.data, a.data)[0]
    except ArithmeticError:
        op = v._op
        raise domain_error(op, v.parents, f"the derivative of {op.formula} is infinite here") from None


def _chain_rule_values(order, wanted):
    """The backward pass on Values (create_graph=True): every gradient is a graph.

    Constants get a gradient only when they are ``wanted`` (asked for by ``grad``).
    """
    order[0].grad += 1.0
    for v in order:
        g = v.grad
        if not v.parents or (isinstance(g, float) and g == 0.0):
            continue
        op = v._op
        try:
            local_grads = op.local(VALUES, v, *v.parents)
        except (ArithmeticError, DomainError):
            if not isinstance(g, float) and g.data == 0.0 and _made_of_constants(g):
                continue  # a gradient that is 0 everywhere passes nothing on, as on the float path
            raise domain_error(op, v.parents, f"the derivative of {op.formula} is infinite here") from None
        for p, d in zip(v.parents, local_grads):
            if (isinstance(d, float) and d == 0.0) or (p.is_constant and p not in wanted):
                continue
            contribution = g if (isinstance(d, float) and d == 1.0) else g * d
            held = p.grad
            p.grad = contribution if (isinstance(held, float) and held == 0.0) else held + contribution


def _made_of_constants(g) -> bool:
    """True when the gradient graph g depends on Constants only: a number, whatever the inputs."""
    return all(v.is_constant for v in topological_order(g) if v._a is None)
