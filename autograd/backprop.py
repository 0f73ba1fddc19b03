"""Reverse-mode backprop: the chain rule applied to a graph, output to leaves.

For every node v, in an order where v comes after every node that uses it:

    grad[parent] += grad[v] * d v / d parent      (for each parent of v)

The local derivatives d v / d parent come from the op table. The order is found with
loops, not recursion, so a chain of a million ops needs no deep Python stack.
"""

from __future__ import annotations

from .context import gc_paused
from .errors import DomainError
from .mathspaces import FLOATS
from .value import VALUES, Value, _domain_error


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each before the nodes it depends on.

    This is the order backward runs in: ``root`` first, the leaves last. It is a
    depth-first search run with an explicit stack instead of recursion, so a chain of a
    million ops works at Python's default recursion limit.
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}")
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


def backward(root: Value, create_graph: bool = False) -> None:
    """Set ``grad`` on every node root depends on to d root / d node.

    Interior nodes get this pass's gradient; leaves add it to what they hold (see
    ``Value.backward``). With ``create_graph=True`` the gradients are Values built by the
    op table's rules applied to Values, so they can be differentiated again.
    """
    with gc_paused(not create_graph):
        if not isinstance(root, Value):
            raise TypeError(f"backward needs a Value, got {type(root).__name__}")
        order = _depth_first(root, zero_interior=True, constants=create_graph)
        if create_graph:
            _chain_rule_values(order)
        else:
            _chain_rule_floats(order)


def grad(output: Value, inputs, create_graph: bool = False):
    """d output / d input for each input, leaving every ``grad`` attribute as it was.

    ``inputs`` is one Value or a sequence of Values; the answer has the same shape (a
    float or a list of floats; Values with ``create_graph=True``). An input the output
    does not depend on gets 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad needs a Value as output, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    inputs = [inputs] if single else list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad needs Values as inputs, got {type(x).__name__} {x!r}")
    with gc_paused(not create_graph):
        order = topological_order(output)
        saved = [v.grad for v in order]
    try:
        for v in order:
            v.grad = 0.0
        with gc_paused(not create_graph):
            if create_graph:
                _chain_rule_values(order)
            else:
                _chain_rule_floats(order)
        in_graph = set(order)
        answer = [x.grad if x in in_graph else 0.0 for x in inputs]
    finally:
        for v, g in zip(order, saved):
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
                if b.__class__ is float:  # a plain number operand: no gradient to keep
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
        raise _domain_error(op, v.parents, f"the derivative of {op.formula} is infinite here") from None
    for v in order:
        if v._a is None and v.grad - v.grad != 0.0:
            raise DomainError(f"the gradient overflowed: {v!r} (the output was {root!r})")


def _chain_rule_values(order):
    """The backward pass on Values (create_graph=True): every gradient is a graph."""
    order[0].grad += 1.0
    for v in order:
        g = v.grad
        if not v.parents or (isinstance(g, float) and g == 0.0):
            continue
        op = v.op_entry
        try:
            local_grads = op.local(VALUES, v, *v.parents)
        except ArithmeticError:
            raise _domain_error(op, v.parents, f"the derivative of {op.formula} is infinite here") from None
        for p, d in zip(v.parents, local_grads):
            if isinstance(d, float) and d == 0.0:
                continue
            contribution = g if (isinstance(d, float) and d == 1.0) else g * d
            held = p.grad
            p.grad = contribution if (isinstance(held, float) and held == 0.0) else held + contribution
