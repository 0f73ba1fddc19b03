"""The tape's kernels: one group of same-op nodes run as one numpy operation, both ways.

Buffers have one row per node and one column per example (see ``autograd.tape.schedule``;
a static buffer has one column, broadcast against the examples). A group of g nodes of
an op with k operands:

- forward: gathers its operands as k arrays of shape (g, batch) with fancy indexing,
  checks the op's ``valid`` rule, applies the op's ``forward`` rule to the arrays and
  writes the result into its own block of rows;
- backward: applies the op's ``local`` rule to the same arrays, multiplies by its block
  of the gradient buffer and adds the products into the operands' rows (an operand used
  by several nodes, such as an input feeding every neuron, gets the sum of their
  products; a static operand gets the sum over the examples).

An n-ary op gathers the operands of its nodes with c operands each as one (nodes, c,
batch) block (a group whose nodes differ in c makes one block per c). A sum (a neuron's
weighted sum) is a fold of ``+``: one ``np.add.reduce`` over the block's middle axis.
Any other n-ary op (logsumexp) hands the block's c slices to the op's own ``forward``
and ``local`` rules, as a binary op hands its two operands.

A neuron's weighted sum b + w1 x1 + ... + wc xc (``schedule.weighted_sums``) takes
in its products: the sums of a dense layer are ONE matrix product W @ X (W the layer's
weights, X its inputs), and backward two more (G @ X.T for the weights, W.T @ G for the
inputs). These are the rules of mul (d(w x)/dw = x, d(w x)/dx = w) and of sum (1),
applied to a whole layer at once.
"""

from __future__ import annotations

import numpy as np

from ..mathspaces import ARRAYS
from .schedule import STATIC, GroupPlan

BLAS_CELLS = 1 << 18
"""Matrix products are cut into blocks of fewer multiply-adds than this (see ``_matmul``)."""


class GroupFailure(Exception):
    """Node ``node`` of ``group`` failed at example ``row``: its op's domain, or an infinite derivative."""

    def __init__(self, group, node: int, row: int, reason: str):
        super().__init__(reason)
        self.group, self.node, self.row, self.reason = group, node, row, reason


def make_group(plan: GroupPlan, is_constant: np.ndarray):
    """The kernel for a planned group; ``is_constant[r]`` says row r of S holds a constant."""
    if plan.fused:
        return DotGroup(plan, is_constant)
    if plan.op.arity is None:
        return ReduceGroup(plan, is_constant) if plan.op.reducer is not None else NaryGroup(plan, is_constant)
    return OpGroup(plan, is_constant)


class OpGroup:
    """g nodes of one op with a fixed number of operands."""

    def __init__(self, plan: GroupPlan, is_constant: np.ndarray):
        self.plan = plan
        self.op = plan.op
        self.space = plan.space
        self.rows = slice(plan.start, plan.start + plan.size)
        self.gathers = [(space, _index(rows)) for space, rows in plan.places]
        self.fixed_locals = _fixed_locals(self.op, len(plan.places))
        self.scatters = [
            _scatter(plan, space, rows, self.fixed_locals, is_constant) for space, rows in plan.places
        ]

    def scratch(self, width: int) -> list:
        """Arrays to gather the operands into, for a batch of ``width`` examples."""
        return [_scratch(space, index, width) for space, index in self.gathers]

    def forward(self, buffers, scratch: list) -> list[np.ndarray]:
        """Compute the group's rows; returns the operands, which backward needs."""
        operands = [_gather(buffers[space], index, out) for (space, index), out in zip(self.gathers, scratch)]
        if self.op.valid is not None:
            ok = self.op.valid(*operands)
            if not np.all(ok):
                raise GroupFailure(self, *_first_false(ok, operands), "domain")
        buffers[self.space][self.rows] = self.op.forward(ARRAYS, *operands)
        return operands

    def backward(self, grads, buffers, operands: list, careful: bool = False) -> None:
        """Add d(objective)/d(operand) into the operands' rows of the gradient buffers."""
        g = grads[self.space][self.rows]
        local = self.fixed_locals or self.op.local(ARRAYS, buffers[self.space][self.rows], *operands)
        for d, scatter in zip(local, self.scatters):
            if scatter is not None:
                if careful:
                    scatter.add(grads, _chain(self, g, d), 1.0)
                else:
                    scatter.add(grads, g, d)


class ReduceGroup:
    """g n-ary nodes (sums), each with its own number of operands, as ufunc reductions.

    The nodes with c operands in the group's own buffer are one class: their operands,
    gathered as a (nodes, c, batch) block, are folded over the middle axis in one
    ``reduce`` (in order, as the scalar engine adds them). A dense layer's sums are one
    class. A dynamic group's static operands (a neuron's bias) are folded apart, once,
    and added after. The op's derivative must be a fixed number (1 for a sum), so
    backward hands each operand its node's gradient times that number.
    """

    def __init__(self, plan: GroupPlan, is_constant: np.ndarray):
        op = plan.op
        (self.d,) = _fixed_locals(op, 1)
        self.plan = plan
        self.op = op
        self.reducer = op.reducer
        self.space = plan.space
        self.rows = slice(plan.start, plan.start + plan.size)
        ((space, own), (_, static)) = plan.places
        own = np.array(own, dtype=np.intp)
        own_owners, static_owners = (np.array(o, dtype=np.intp) for o in plan.owners)
        counts = np.bincount(own_owners, minlength=plan.size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.classes = []  # (the nodes, their rows, (buffer, their operands' rows), c)
        for c in np.unique(counts):
            nodes = np.flatnonzero(counts == c)
            operands = own[(starts[nodes][:, None] + np.arange(c)).ravel()]
            self.classes.append((nodes, _index(plan.start + nodes), (space, _index(operands)), int(c)))
        # One class in consecutive rows: backward adds each node's gradient to its c
        # operands with one broadcast, through a reshaped view of the gradient buffer.
        one_block = len(self.classes) == 1 and isinstance(self.classes[0][2][1], slice)
        self.block = self.classes[0][3] if one_block else 0
        self.own_owners = own_owners
        self.own_scatter = Scatter(space, own, batch_sum=False)
        self.static_rows = static_rows = np.array(static, dtype=np.intp)
        self.static_owners = static_owners
        self.static_skip = is_constant[static_rows].all()

    def scratch(self, width: int) -> list:
        return [_scratch(*gather, width) for _, _, gather, _ in self.classes]

    def forward(self, buffers, scratch: list) -> list[np.ndarray]:
        out_buffer = buffers[self.space]
        static = None
        if len(self.static_rows):
            static = np.full(self.plan.size, self.reducer.identity, dtype=float)
            self.reducer.at(static, self.static_owners, buffers[STATIC][self.static_rows, 0])
        for (nodes, rows, (space, index), c), out in zip(self.classes, scratch):
            block = _gather(buffers[space], index, out)
            sums = self.reducer.reduce(block.reshape(-1, c, block.shape[1]), axis=1)
            if static is not None:
                self.reducer(sums, static[nodes, None], out=sums)
            out_buffer[rows] = sums
        return []

    def backward(self, grads, buffers, operands: list, careful: bool = False) -> None:
        # d is a finite number, so the careful pass (see _chain) has nothing to add here.
        g = grads[self.space][self.rows]
        if self.block:
            space, index = self.classes[0][2]
            view = grads[space][index].reshape(self.plan.size, self.block, -1)
            view += _times(g, self.d)[:, None, :]
        else:
            self.own_scatter.add(grads, g[self.own_owners], self.d)
        if len(self.static_rows) and not self.static_skip:
            per_node = g.sum(axis=1) * self.d
            np.add.at(grads[STATIC][:, 0], self.static_rows, per_node[self.static_owners])


class NaryGroup:
    """g nodes of an n-ary op such as logsumexp, run by the op table's own rules.

    The nodes with c operands are one class: their operands, gathered in order as a
    (nodes, c, batch) block (a dynamic group reads its static operands from mirrors),
    are handed to the op's ``valid``, ``forward`` and ``local`` rules as c arrays of
    shape (nodes, batch), exactly as the scalar engine hands them c floats. Backward
    stacks the c local derivatives into a block of the same shape, multiplies it by the
    nodes' gradients and adds it into the operands' rows in one scatter per class.
    """

    def __init__(self, plan: GroupPlan, is_constant: np.ndarray):
        self.plan = plan
        self.op = plan.op
        self.space = plan.space
        self.rows = slice(plan.start, plan.start + plan.size)
        ((space, rows),) = plan.places
        rows = np.array(rows, dtype=np.intp)
        (owners,) = plan.owners
        counts = np.bincount(np.array(owners, dtype=np.intp), minlength=plan.size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.classes = []  # one _NaryClass per number of operands
        for c in np.unique(counts):
            nodes = np.flatnonzero(counts == c)
            operands = rows[(starts[nodes][:, None] + np.arange(c)).ravel()]
            fixed = _fixed_locals(self.op, int(c))
            skip = fixed is not None and space == STATIC and is_constant[operands].all()
            scatter = None if skip else Scatter(space, operands, batch_sum=False)
            self.classes.append(
                _NaryClass(nodes, _index(plan.start + nodes), space, _index(operands), int(c), fixed, scatter)
            )

    def scratch(self, width: int) -> list:
        return [_scratch(k.space, k.operands, width) for k in self.classes]

    def forward(self, buffers, scratch: list) -> list[np.ndarray]:
        """Compute the group's rows; returns each class's (nodes, c, batch) block of operands."""
        out_buffer = buffers[self.space]
        blocks = []
        for k, out in zip(self.classes, scratch):
            flat = _gather(buffers[k.space], k.operands, out)
            block = flat.reshape(len(k.nodes), k.c, flat.shape[1])
            operands = [block[:, j] for j in range(k.c)]
            if self.op.valid is not None:
                ok = self.op.valid(*operands)
                if not np.all(ok):
                    node, row = _first_false(ok, operands)
                    raise GroupFailure(self, int(k.nodes[node]), row, "domain")
            out_buffer[k.out] = self.op.forward(ARRAYS, *operands)
            blocks.append(block)
        return blocks

    def backward(self, grads, buffers, blocks: list, careful: bool = False) -> None:
        """Add d(objective)/d(operand) into the operands' rows, class by class."""
        G, out_buffer = grads[self.space], buffers[self.space]
        for k, block in zip(self.classes, blocks):
            if k.scatter is None:
                continue
            g = G[k.out][:, None, :]  # (nodes, 1, batch)
            if k.fixed is not None:
                d = np.array(k.fixed).reshape(1, k.c, 1)
            else:
                operands = [block[:, j] for j in range(k.c)]
                local = self.op.local(ARRAYS, out_buffer[k.out], *operands)
                d = np.stack(np.broadcast_arrays(*local), axis=1)
            contributions = _chain(self, g, d, k.nodes, k.c) if careful else g * d
            k.scatter.add(grads, contributions.reshape(len(k.nodes) * k.c, -1), 1.0)


class _NaryClass:
    """The nodes of an NaryGroup with c operands: where they and their operands live."""

    __slots__ = ("nodes", "out", "space", "operands", "c", "fixed", "scatter")

    def __init__(self, nodes, out, space, operands, c, fixed, scatter):
        self.nodes = nodes  # their positions in the group
        self.out = out  # their rows in the group's buffer (a slice or an index array)
        self.space = space  # the buffer their operands are read from
        self.operands = operands  # the rows of their operands, node after node
        self.c = c
        self.fixed = fixed  # the local derivatives when the rule gives plain numbers, else None
        self.scatter = scatter  # None when every operand is a constant and the derivatives are numbers


class DotGroup:
    """g weighted sums s = b + w1 x1 + ... + wc xc whose products w * x have no rows of their own.

    The sums with c products are one class. When they all read the same c inputs in the
    same order (a dense layer), forward is W @ X with W (sums, c) read from the weights'
    rows and X (c, batch) the inputs' rows; otherwise each sum's inputs are gathered
    into a (sums, c, batch) block and contracted with W by einsum. Static operands (the
    bias) are folded apart and added last, as a group of sums does. The derivatives are
    mul's and sum's rules: d s/dw = x, d s/dx = w, d s/db = 1.
    """

    def __init__(self, plan: GroupPlan, is_constant: np.ndarray):
        self.plan = plan
        self.op = plan.op
        self.space = plan.space
        self.rows = slice(plan.start, plan.start + plan.size)
        (_, xs), (_, ws), (_, statics) = plan.places
        xs, ws = np.array(xs, dtype=np.intp), np.array(ws, dtype=np.intp)
        pair_owners, static_owners = (np.array(o, dtype=np.intp) for o in plan.owners)
        counts = np.bincount(pair_owners, minlength=plan.size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.classes = []
        for c in np.unique(counts):
            nodes = np.flatnonzero(counts == c)
            take = (starts[nodes][:, None] + np.arange(c)).ravel()
            x, w = xs[take], ws[take]
            shared = bool((x.reshape(len(nodes), c) == x[:c]).all())
            inputs = x[:c] if shared else x
            weights = None if is_constant[w].all() else Scatter(STATIC, w, batch_sum=False)
            self.classes.append(
                _DotClass(
                    nodes,
                    _index(plan.start + nodes),
                    _index(inputs),
                    w,
                    int(c),
                    shared,
                    weights,
                    Scatter(plan.space, inputs, batch_sum=False),
                )
            )
        self.static_rows = np.array(statics, dtype=np.intp)
        self.static_owners = static_owners
        self.static_skip = is_constant[self.static_rows].all()

    def scratch(self, width: int) -> list:
        return [_scratch(self.space, k.inputs, width) for k in self.classes]

    def forward(self, buffers, scratch: list) -> list:
        """Compute the sums; returns each class's (W, X) for backward."""
        V, S = buffers[self.space], buffers[STATIC]
        static = None
        if len(self.static_rows):
            static = np.zeros(self.plan.size)
            np.add.at(static, self.static_owners, S[self.static_rows, 0])
        kept = []
        for k, out in zip(self.classes, scratch):
            W = S[k.weights, 0].reshape(len(k.nodes), k.c)
            X = _gather(V, k.inputs, out)
            if k.shared:
                sums = _matmul(W, X)
            else:
                X = X.reshape(len(k.nodes), k.c, X.shape[1])
                sums = np.einsum("gc,gcb->gb", W, X)
            if static is not None:
                sums += static[k.nodes, None]
            V[k.out] = sums
            kept.append((W, X))
        return kept

    def backward(self, grads, buffers, kept: list, careful: bool = False) -> None:
        # The derivatives are operands' values, finite: the careful pass has nothing to add.
        G = grads[self.space]
        for k, (W, X) in zip(self.classes, kept):
            g = G[k.out]
            if k.shared:
                d_weights, d_inputs = _matmul_over_examples(g, X), _matmul(W.T, g)
            else:
                d_weights = np.einsum("gb,gcb->gc", g, X)
                d_inputs = (W[:, :, None] * g[:, None, :]).reshape(len(k.nodes) * k.c, -1)
            if k.weight_scatter is not None:
                k.weight_scatter.add(grads, d_weights.reshape(-1, 1), 1.0)
            k.input_scatter.add(grads, d_inputs, 1.0)
        if len(self.static_rows) and not self.static_skip:
            per_node = G[self.rows].sum(axis=1)
            np.add.at(grads[STATIC][:, 0], self.static_rows, per_node[self.static_owners])


class _DotClass:
    """The weighted sums of a DotGroup with c products: where they, their inputs and weights live."""

    __slots__ = ("nodes", "out", "inputs", "weights", "c", "shared", "weight_scatter", "input_scatter")

    def __init__(self, nodes, out, inputs, weights, c, shared, weight_scatter, input_scatter):
        self.nodes = nodes  # their positions in the group
        self.out = out  # their rows in V
        self.inputs = inputs  # the rows of their x: c rows if shared, else c per sum, sum after sum
        self.weights = weights  # the rows of their w in S, c per sum, sum after sum
        self.c = c
        self.shared = shared  # every sum reads the same c inputs in the same order (a dense layer)
        self.weight_scatter = weight_scatter  # None when every w is a constant
        self.input_scatter = input_scatter


class Scatter:
    """Adds one contribution row per operand into the rows of a gradient buffer.

    A row that appears k times gets the sum of its k contributions. The pattern of the
    rows is read once, when the tape is made, and picks the cheapest way:

    - every row once: one ``+=`` (in place when the rows are consecutive);
    - a dense layer's inputs, (x0, x1, ..., x0, x1, ...): the contributions seen as a
      (k, targets, batch) block summed over its first axis, no gather;
    - anything else: contributions sorted by target once, when the tape is made, into parts by k,
      each a gather, a (targets, k, batch) sum and one ``+=``.

    ``batch_sum``: the target is static, so contributions are first summed over examples.
    """

    def __init__(self, space: int, rows: np.ndarray, batch_sum: bool):
        self.space = space
        self.batch_sum = batch_sum
        targets, counts = np.unique(rows, return_counts=True)
        k = int(counts[0]) if len(counts) else 1
        self.stacked = 0
        if len(targets) == len(rows):
            self.parts = [(slice(None), _index(rows), 1)]
        elif (counts == k).all() and (rows.reshape(k, -1) == rows[: len(targets)]).all():
            self.stacked = k
            self.parts = [(slice(None), _index(rows[: len(targets)]), 1)]
        else:
            order = np.argsort(rows, kind="stable")
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            self.parts = []
            for k in np.unique(counts):
                chosen = counts == k
                sources = order[(starts[chosen][:, None] + np.arange(k)).ravel()]
                self.parts.append((_index(sources), _index(targets[chosen]), int(k)))

    def add(self, grads, g: np.ndarray, d) -> None:
        """Add the contributions g * d (per operand) into the targets' rows."""
        contributions = _batch_sum(g, d) if self.batch_sum else _times(g, d)
        width = contributions.shape[1]
        if self.stacked:
            contributions = contributions.reshape(self.stacked, -1, width).sum(axis=0)
        G = grads[self.space]
        for sources, targets, k in self.parts:
            part = contributions[sources]
            if k > 1:
                part = part.reshape(-1, k, width).sum(axis=1)
            G[targets] += part


def _scatter(plan: GroupPlan, space: int, rows, fixed_locals, is_constant) -> Scatter | None:
    """The scatter into one operand place, or None when it holds only constants.

    A constant needs no gradient; only when the rule's derivative is a fixed number can
    we be sure it is not infinite there (which the scalar engine would report).
    """
    rows = np.array(rows, dtype=np.intp)
    if fixed_locals is not None and space == STATIC and is_constant[rows].all():
        return None
    return Scatter(space, rows, batch_sum=space == STATIC and plan.space != STATIC)


def _matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A @ B, in blocks of B's columns (examples) small enough for BLAS to run each on one thread.

    OpenBLAS hands a product of 2^18 multiply-adds or more to several threads; at these
    sizes that saves little, and on a busy machine the threads' waiting makes a pass
    ten times slower. (Other BLAS libraries have other rules; the blocks do no harm.)
    """
    m, k = A.shape
    width = max(1, (BLAS_CELLS - 1) // max(1, m * k))  # columns per block
    if width >= B.shape[1]:
        return A @ B
    out = np.empty((m, B.shape[1]))
    for s in range(0, B.shape[1], width):
        np.matmul(A, B[:, s : s + width], out=out[:, s : s + width])
    return out


def _matmul_over_examples(G: np.ndarray, X: np.ndarray) -> np.ndarray:
    """G @ X.T (a sum over the examples), in blocks of examples, as ``_matmul``."""
    width = max(1, (BLAS_CELLS - 1) // max(1, G.shape[0] * X.shape[0]))  # examples per block
    out = G[:, :width] @ X[:, :width].T
    for s in range(width, G.shape[1], width):
        out += G[:, s : s + width] @ X[:, s : s + width].T
    return out


def _index(rows):
    """A slice when rows are consecutive (a view, no copy), else an index array."""
    rows = np.asarray(rows, dtype=np.intp)
    if len(rows) and np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
        return slice(int(rows[0]), int(rows[0]) + len(rows))
    return rows


def _scratch(space: int, index, width: int):
    """An array for the rows a gather reads (None for a slice: a view needs none)."""
    if isinstance(index, slice):
        return None
    return np.empty((len(index), 1 if space == STATIC else width))


def _gather(buffer: np.ndarray, index, out) -> np.ndarray:
    """buffer[index], into ``out`` when given: reusing arrays keeps the allocator quiet."""
    if out is None:
        return buffer[index]
    return np.take(buffer, index, axis=0, out=out, mode="clip")


def _fixed_locals(op, n_operands: int):
    """The op's local derivatives when the rule gives plain numbers (add, sub, neg, sum), else None.

    The rule is evaluated once here, on arrays of ones: a rule that returns Python floats
    for arrays does not depend on the data, so backward need not call it again.
    """
    ones = np.ones((1, 1))
    with np.errstate(all="ignore"):
        local = op.local(ARRAYS, ones, *[ones] * n_operands)
    return tuple(local) if all(type(d) is float for d in local) else None


def _times(g: np.ndarray, d) -> np.ndarray:
    """g * d, without the multiplication when d is the number 1 or -1."""
    if type(d) is float:
        if d == 1.0:
            return g
        if d == -1.0:
            return -g
    return g * d


def _batch_sum(g: np.ndarray, d) -> np.ndarray:
    """(g * d) summed over the examples, shape (rows, 1); no (rows, batch) product for an array d."""
    if type(d) is float:
        return g.sum(axis=1, keepdims=True) * d
    if np.shape(d) == g.shape:
        return np.einsum("ij,ij->i", g, d)[:, None]
    return (g * d).sum(axis=1, keepdims=True)


def _chain(group, g: np.ndarray, d, nodes=None, c: int = 1) -> np.ndarray:
    """g * d as the scalar engine computes it: 0 where g is 0, an error where d is infinite.

    The scalar engine skips a node whose gradient is 0, so an infinite local derivative
    there (sqrt at 0) is harmless; anywhere else it is a DomainError. For an n-ary class,
    g and d are (nodes, c, batch) blocks and ``nodes`` their positions in the group.
    """
    shape = np.broadcast_shapes(np.shape(d), g.shape)
    d, g = np.broadcast_to(d, shape), np.broadcast_to(g, shape)
    passes = g != 0
    bad = passes & ~np.isfinite(d)
    if bad.any():
        flat = bad.reshape(-1, shape[-1])  # one line per (node, operand)
        row, line = np.argwhere(flat.T)[0]
        node = int(line) if nodes is None else int(nodes[line // c])
        raise GroupFailure(group, node, int(row), "derivative")
    return np.where(passes, g * d, 0.0)


def _first_false(ok, operands) -> tuple[int, int]:
    """(node, example) of the first example, then first node, where ok is False."""
    shape = np.broadcast_shapes(*[np.shape(a) for a in operands])
    example, node = np.argwhere(~np.broadcast_to(ok, shape).T)[0]
    return int(node), int(example)
