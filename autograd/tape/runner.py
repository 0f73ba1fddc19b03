"""The batch tape: a graph built for ONE example, replayed over a whole batch with numpy.

The lecture's "process multiple data examples simultaneously", made real while every
model stays a graph of scalar Values:

>>> import numpy as np, autograd
>>> w, b = autograd.Parameter(2.0, "w"), autograd.Parameter(0.5, "b")
>>> tape = autograd.trace(lambda x: autograd.tanh(w * x + b), n_inputs=1)
>>> tape.forward(np.array([[0.0], [1.0]])).round(4)         # one output per row
array([0.4621, 0.9866])
>>> grads = tape.backward()                                 # summed over the batch
>>> round(grads[w], 4), round(w.grad, 4)                    # also added into w.grad
(0.0266, 0.0266)

How it works, step by step:

1. **Trace** (``trace(fn, n_inputs)``): fn is called with placeholder input Values and the
   graph it builds is recorded (``autograd.tape.record``). Leaves are inputs (columns of
   X), parameters (``autograd.Parameter`` or any other leaf Value but a Constant: their
   current ``.data`` is read at every forward, so training updates count without
   retracing) or constants (``autograd.Constant``, fixed). fn is traced at two example
   rows (or at the rows you pass as ``examples``) and must build the same graph at each.
2. **Levels and groups** (``autograd.tape.schedule``): a node's level is the longest path
   from the leaves to it; the nodes of one level with the same op (and settings) are one
   group, so a layer of 100 neurons is one group of 100 sums. Each node gets a row of a
   buffer with one column per example (V), or, when it does not depend on the inputs
   (parameters, constants, an L2 term), of a buffer with one column (S): such nodes are
   computed once per pass, not once per example. Each group is a block of rows.
3. **Forward** (``tape.forward(X)``): X's columns fill the input rows, the parameters'
   current numbers theirs, then each group, level by level, gathers its operands and
   applies the op table's own ``forward`` rule (and ``valid`` rule) to the arrays
   (``autograd.tape.kernels``): one numpy operation per group, however many nodes it
   holds, so the work in Python grows with the depth of the graph, not its size.
   n-ary ops too: a group of sums is one ``np.add.reduce``, and any other n-ary op
   (logsumexp) gets its operands as c arrays, one per operand place, from its rules.
   A neuron's weighted sum b + w1 x1 + ... + wn xn takes in its products, so a dense
   layer is one matrix product W @ X (``autograd.tape.schedule.weighted_sums``).
4. **Backward** (``tape.backward()``): the groups run in reverse, each applying the op
   table's ``local`` rule to its arrays and adding gradient into its operands' rows;
   a static operand (a weight) gets the sum over the examples. No derivative is
   written a second time.

The results are the scalar engine's: ``tape.forward`` gives, row by row, what fn gives on
Values, and ``tape.backward()`` the sum (or mean) over rows of the scalar ``backward()``.
The same domain rules apply (a DomainError names the op, the row of X and the operands).

The loss in the tape: make the target one more input and return the per-example loss,
then ``backward(reduce="mean")`` gives the gradient of the mean loss over the batch:

    tape = trace(lambda x1, x2, y: hinge(model([x1, x2]), y) + reg, n_inputs=3)
    tape.forward(np.column_stack([X, y]))
    tape.backward(reduce="mean")        # of mean_i(hinge_i + reg) = mean hinge + reg

A regulariser made of parameters only (``reg``) is the same in every row, so the mean
adds it once.

What cannot be traced, and what happens:

- A graph that depends on the data: a Python ``if`` on ``.data``, a number read from
  ``.data`` (``float(x)``, ``x.data * y``), a leaf Value made inside fn. (An op that
  looks at the data inside its own rule is fine: ``autograd.logsumexp`` shifts by the
  largest input within ONE n-ary node, so its graph is the same for every row.) The
  tape compares the graphs fn builds at the example rows and refuses different ones
  (TraceError). This is detection by sampling: a branch that none of the example rows
  takes goes unseen, so pass rows of your data as ``examples`` (nn does), and use the
  scalar engine for such functions.
  A graph that depends on the parameters' values (an ``if`` on a weight) is not
  checked again when training changes them: retrace after such a change.
- fn returning something other than a Value or a list of Values (TypeError), an output
  that does not depend on the inputs (TraceError), X with the wrong number of columns
  or non-finite entries (ValueError).
- Layers that couple the examples of a batch, such as batch norm in training mode (its
  mean and variance are over the batch, not over one example): one example's graph
  cannot express them, so they run on the scalar engine (or need explicit support in
  the tape; the integration with nn decides).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..context import is_grad_enabled
from ..errors import DomainError, describe_operands
from .kernels import GroupFailure, make_group
from .record import Program, check_same_graph, record
from .schedule import DYNAMIC, STATIC, layout

CHUNK_CELLS = 1 << 18
"""Under no_grad, forward runs X in chunks of rows whose buffer holds about this many numbers."""


def trace(fn, n_inputs: int, examples=None) -> Tape:
    """Record the graph ``fn`` builds for one example, to replay it over batches.

    ``fn(x0, x1, ...)`` takes ``n_inputs`` Values and returns a Value or a list of Values.
    ``examples`` (shape (k, n_inputs), k >= 1) are the rows fn is traced at; fn must build
    the same graph at each. By default two fixed pseudo-random rows (standard normal).
    """
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
        raise ValueError(f"n_inputs must be a positive int, got {n_inputs!r}")
    if examples is None:
        examples = np.random.default_rng(0).standard_normal((2, n_inputs))
    examples = _check_rows(examples, n_inputs, "examples")
    first = record(fn, examples[0])
    for row in examples[1:]:
        check_same_graph(first, record(fn, row), examples[0], row)
    return Tape(first)


class Tape:
    """One example's graph, compiled into groups of array operations; see the module docstring.

    ``parameters``: the parameter Values, in the order of ``backward``'s results;
    ``n_inputs``, ``n_outputs``; ``n_levels`` and ``n_groups``: how many array operations a
    pass runs (``describe()`` lists them); ``input_grads``: after ``backward``, the
    gradient with respect to every input, one row per example.
    """

    def __init__(self, program: Program):
        plan = layout(program)
        self.n_inputs = plan.n_inputs
        self.n_outputs = len(plan.outputs)
        self.parameters = list(plan.parameters)
        self.input_grads = None
        self._single = program.single
        self._labels = plan.labels
        self._outputs = np.array(plan.outputs, dtype=np.intp)
        n_params = len(plan.parameters)
        self._S = np.empty((plan.sizes[STATIC], 1))
        self._S[n_params : n_params + len(plan.constants), 0] = plan.constants
        self._n_dynamic = plan.sizes[DYNAMIC]
        mirrors = np.array(plan.mirrors, dtype=np.intp).reshape(-1, 2)
        self._mirror_rows, self._mirror_sources = mirrors[:, 0], mirrors[:, 1]
        is_constant = np.zeros(plan.sizes[STATIC], dtype=bool)
        is_constant[n_params : n_params + len(plan.constants)] = True
        self.groups = [make_group(p, is_constant) for p in plan.groups]
        self._static = [g for g in self.groups if g.space == STATIC]
        self._dynamic = [g for g in self.groups if g.space == DYNAMIC]
        self.n_levels = max((p.level for p in plan.groups), default=0)
        self._pass = None  # the last forward's (V, operands of each group), for backward
        self._workspaces = {}  # width -> buffers reused from pass to pass (see _workspace)
        self._static_scratch = [g.scratch(1) for g in self._static]

    @property
    def n_groups(self) -> int:
        """The number of array operations one forward pass runs (one per group)."""
        return len(self.groups)

    def describe(self) -> str:
        """The groups in the order they run, e.g. 'level 2: sum x 16 (3 operand(s) each)'."""
        lines = [f"Tape: {self.n_inputs} inputs, {len(self.parameters)} parameters, {self.n_outputs} outputs"]
        for group in self.groups:
            plan = group.plan
            low, high = min(plan.counts), max(plan.counts)
            each = f"{low} operand(s) each" if low == high else f"{low} to {high} operands"
            once = ", once for all rows" if group.space == STATIC else ""
            fused = ", weighted: its products w * x as matrix products" if plan.fused else ""
            lines.append(f"level {plan.level}: {plan.op.name} x {plan.size} ({each}{once}{fused})")
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"Tape(n_inputs={self.n_inputs}, n_outputs={self.n_outputs}, "
            f"parameters={len(self.parameters)}, levels={self.n_levels}, groups={self.n_groups})"
        )

    def forward(self, X) -> np.ndarray:
        """fn's outputs for every row of X (shape (batch, n_inputs)).

        Shape (batch,) when fn returned one Value, (batch, n_outputs) for a list. Outside
        ``autograd.no_grad()`` the pass is kept for ``backward``; inside it, nothing is
        kept and X runs in chunks of rows, so a 200 x 200 grid needs little memory.
        """
        X = _check_rows(X, self.n_inputs, "X")
        self._pass = None
        static_operands = self._run_static()
        if is_grad_enabled():
            V, operands = self._run_dynamic(X, keep=True)
            self._pass = (V, static_operands + operands)
            out = V[self._outputs]
        else:
            chunk = max(1, CHUNK_CELLS // self._n_dynamic)
            out = np.concatenate(
                [
                    self._run_dynamic(X[i : i + chunk], False, i)[0][self._outputs]
                    for i in range(0, len(X), chunk)
                ],
                axis=1,
            )
        return out[0].copy() if self._single else out.T.copy()

    def backward(self, seed=None, reduce: str = "sum", accumulate: bool = True) -> dict:
        """Gradients of the batch objective L = sum over rows of seed · outputs (or its mean).

        ``seed``: d L / d output per row, shaped like forward's result (default: ones).
        ``reduce``: "sum" or "mean" (L divided by the batch size). Returns {parameter:
        d L / d parameter}; with ``accumulate`` also adds them into each parameter's
        ``.grad``, as the scalar engine's backward does for leaves. Sets ``input_grads``
        to d L / d X (shape (batch, n_inputs)).
        """
        grads = self.parameter_gradients(seed, reduce).tolist()
        if accumulate:
            for p, g in zip(self.parameters, grads):
                p.grad += g
        return dict(zip(self.parameters, grads))

    def parameter_gradients(self, seed=None, reduce: str = "sum") -> np.ndarray:
        """``backward``'s gradients as one array, in the order of ``parameters``; no ``.grad`` is touched.

        What a training loop that sets the gradients itself needs (``nn.fit`` does):
        ``backward`` is this, then a dict and the accumulation into every ``.grad``.
        Sets ``input_grads`` too.
        """
        if self._pass is None:
            raise RuntimeError("backward needs a forward pass first, run outside autograd.no_grad()")
        if reduce not in ("sum", "mean"):
            raise ValueError(f'reduce must be "sum" or "mean", got {reduce!r}')
        batch = self._pass[0].shape[1]
        seed = self._check_seed(seed, batch)
        if reduce == "mean":
            seed = seed / batch
        GV, GS = self._run_backward(seed, careful=False)
        # Only what is asked for is checked, as in the scalar engine: the inputs' and the
        # parameters' gradients (a Constant's may overflow: nobody asks for it).
        asked_v, asked_s = slice(0, self.n_inputs), slice(0, len(self.parameters))
        if not (np.isfinite(GV[asked_v]).all() and np.isfinite(GS[asked_s]).all()):
            # Rerun as the scalar engine does (0 where a node's gradient is 0) to name the culprit.
            GV, GS = self._run_backward(seed, careful=True)
            self._raise_gradient_overflow(GV[asked_v], GS[asked_s])
        self.input_grads = GV[: self.n_inputs].T.copy()
        return GS[: len(self.parameters), 0].copy()

    def _workspace(self, width: int):
        """V, its gradient buffer and the groups' gather arrays for a batch of ``width`` rows.

        They are kept from pass to pass (for the last two widths): allocating fresh
        arrays of this size every pass costs more than the arithmetic, as the memory
        allocator hands pages back to the system and takes them again.
        """
        if width not in self._workspaces:
            if len(self._workspaces) >= 2:
                del self._workspaces[next(iter(self._workspaces))]
            V = np.empty((self._n_dynamic, width))
            self._workspaces[width] = (V, np.empty_like(V), [g.scratch(width) for g in self._dynamic])
        return self._workspaces[width]

    def _run_static(self) -> list:
        """Read the parameters and compute the static groups (once, whatever the batch)."""
        S = self._S
        S[: len(self.parameters), 0] = [p.data for p in self.parameters]
        return self._run_groups(self._static, (None, S), self._static_scratch, keep=True, first_row=None)

    def _run_dynamic(self, X: np.ndarray, keep: bool, first_row: int = 0):
        """One forward pass of the dynamic groups over the rows of X: V and the groups' operands."""
        V, _, scratch = self._workspace(len(X))
        V[: self.n_inputs] = X.T
        V[self._mirror_rows] = self._S[self._mirror_sources]
        return V, self._run_groups(self._dynamic, (V, self._S), scratch, keep, first_row)

    def _run_groups(self, groups, buffers, scratch, keep: bool, first_row) -> list:
        kept = []
        with np.errstate(all="ignore"):  # invalid values are found below, with their row
            try:
                for group, arrays in zip(groups, scratch):
                    operands = group.forward(buffers, arrays)
                    if keep:
                        kept.append(operands)
            except GroupFailure as failure:
                self._raise_overflow(groups, buffers, failure.group, first_row)
                raise self._domain_error(failure, buffers, first_row) from None
        if groups and not np.isfinite(buffers[groups[0].space]).all():
            self._raise_overflow(groups, buffers, None, first_row)
        return kept

    def _run_backward(self, seed: np.ndarray, careful: bool):
        V, operands = self._pass
        GV, GS = self._workspace(V.shape[1])[1], np.zeros_like(self._S)
        GV.fill(0.0)
        grads, buffers = (GV, GS), (V, self._S)
        np.add.at(GV, self._outputs, seed)  # an output may be listed twice
        n_static = len(self._static)
        with np.errstate(all="ignore"):
            try:
                for group, kept in zip(reversed(self._dynamic), reversed(operands[n_static:])):
                    group.backward(grads, buffers, kept, careful)
                GS[self._mirror_sources] += GV[self._mirror_rows].sum(axis=1, keepdims=True)
                for group, kept in zip(reversed(self._static), reversed(operands[:n_static])):
                    group.backward(grads, buffers, kept, careful)
            except GroupFailure as failure:
                first_row = 0 if failure.group.space == DYNAMIC else None
                raise self._domain_error(failure, buffers, first_row) from None
        return GV, GS

    def _check_seed(self, seed, batch: int) -> np.ndarray:
        """The seed as an array (n_outputs, batch)."""
        shape = (batch,) if self._single else (batch, self.n_outputs)
        if seed is None:
            return np.ones((self.n_outputs, batch))
        seed = np.asarray(seed, dtype=float)
        if seed.shape != shape:
            raise ValueError(f"seed must have the outputs' shape {shape}, got {seed.shape}")
        if not np.isfinite(seed).all():
            raise ValueError("seed must be finite")
        return seed.reshape(batch, self.n_outputs).T

    def _where(self, group, node: int, buffers, row: int, first_row) -> str:
        """'a = -1.0 ('x[0]') at row 3 of X' for a node of a group."""
        operands = [
            SimpleNamespace(
                data=float(buffers[space][r, row if space == DYNAMIC else 0]), label=self._labels[space][r]
            )
            for space, r in group.plan.operands[node]
        ]
        at = "" if first_row is None else f" at row {first_row + row} of X"
        return describe_operands(operands) + at

    def _domain_error(self, failure: GroupFailure, buffers, first_row) -> DomainError:
        op = failure.group.op
        if failure.reason == "domain":
            reason = op.domain
        else:
            reason = f"the derivative of {op.formula} is infinite here"
        where = self._where(failure.group, failure.node, buffers, failure.row, first_row)
        return DomainError(f"{op.name}: {reason}; got {where}")

    def _raise_overflow(self, groups, buffers, upto, first_row) -> None:
        """Raise for the first of ``groups`` before ``upto`` (None: all) holding a non-finite value."""
        for group in groups:
            if group is upto:
                return
            bad = ~np.isfinite(buffers[group.space][group.rows])
            if bad.any():
                row, node = np.argwhere(bad.T)[0]
                op = group.op
                where = self._where(group, int(node), buffers, int(row), first_row)
                raise DomainError(f"{op.name}: {op.formula} overflows a float; got {where}")

    def _raise_gradient_overflow(self, GV: np.ndarray, GS: np.ndarray) -> None:
        for space, G in ((DYNAMIC, GV), (STATIC, GS)):
            bad = ~np.isfinite(G)
            if bad.any():
                row, node = np.argwhere(bad.T)[0]
                label = self._labels[space][node] or f"node {node}"
                at = f" at row {row} of X" if space == DYNAMIC else ""
                raise DomainError(f"the gradient overflowed{at}: d/d {label} = {G[node, row]!r}")


def _check_rows(X, n_inputs: int, name: str) -> np.ndarray:
    """X as a finite float array (rows, n_inputs), or a clear error."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers, shape (rows, {n_inputs}): {error}") from None
    if X.ndim != 2 or X.shape[1] != n_inputs or len(X) == 0:
        raise ValueError(f"{name} must have shape (rows, {n_inputs}) with rows >= 1, got shape {X.shape}")
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"{name} must be finite, got {float(X[row, col])!r} at row {row}, column {col}")
    return X
