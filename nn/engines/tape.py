"""The batch tape for nn: a model's graph for ONE example, traced once, run over whole batches.

The scalar engine builds a graph of Values for every example of every step; the tape
(``autograd.trace``) records the graph of one example and replays it over a batch with
numpy, with the same results to about 1e-15. nn uses it in two ways:

- ``model.predict(X)`` (and so ``nn.accuracy``, fit's validation and the decision
  boundary plots): the model's outputs, traced as ``fn(x1, ..., xn) = model([x1, ..., xn])``;
- a training step's gradients (``nn.fit(engine="auto" or "tape")``, ``ENGINES["tape"]``):
  the per-example loss, traced with the target as more inputs, and differentiated with
  ``backward(reduce="mean")``: the gradient of the batch's mean loss.

How the target enters the traced graph:

- class labels (``nn.checks.is_classification``: 0/1 or -1/+1 for one output, the class
  indices 0 .. k-1 for k outputs): one input per class
  holding the one-hot row t, and the loss of one example is
  ``t_0 * loss([outputs], [class 0]) + ... + t_k * loss([outputs], [class k])``, so
  every branch is the batch loss of ONE example with a fixed label (cross-entropy
  indexes the logits by its label, hinge reads 0/1 as -1/+1, and each is traced as it
  is written). The branches of the other classes are multiplied by 0: the value and
  every gradient are exactly those of the example's own class.
- numbers (regression): the target itself as inputs, handed to the loss as Values
  (``nn.mse``, ``binary_cross_entropy`` and ``hinge`` take them as operands).

How random masks enter it: a module that draws them (``Module.mask_width``: a Dropout in
training mode) gets one more input column per unit, after the target's. At every step
each such module draws the batch's masks from its own generator (``draw_masks``), as a
scalar pass would, and the tape runs on them; while tracing and checking, the module is
handed the trace's inputs (``nn.dropout.given_masks``). So the replay is exact, and a
seeded ``fit`` draws the same masks, and trains the same numbers, on either engine.

When the tape is used (the rules of ``engine="auto"``), and the reason when not:

1. no module couples the examples of a batch (``Module.couples_examples``): a BatchNorm in
   training mode normalises with the batch's mean and variance, which one example's
   graph cannot express (in evaluation mode it uses its running statistics, numbers,
   and is traced);
2. the model and the per-example loss can be traced: fn runs on Values at one row of
   the data (the first sample row, below) and the graph it builds is recorded;
3. the tape gives the scalar engine's answer on a sample of the data: a few rows
   (every class, and at least two rows) are run through both engines and the loss,
   the outputs and every parameter's gradient must agree to 1e-9. This catches a graph
   that depends on the data (an ``if`` on ``.data``, a target read as a number from a
   regression target, a leaf Value made inside the loss: at another row the graph the
   tape replays gives other numbers, or its gradient goes to another leaf), and what
   tracing cannot see: a loss that is not a mean of per-example terms (a sum, a batch
   statistic), a module that mixes examples. When the check fails, the loss is traced
   at three rows, so a graph that depends on the data is named as such
   (``autograd.TraceError``: "different graphs"), as ``autograd.trace`` does;
4. the loss accepts all the targets: it is called once on the whole of y, with the
   model's outputs, as the scalar engine would call it batch by batch.

Otherwise the scalar engine runs, and ``History.engine_reason`` says why.

The cache: tapes are kept on the model (at most ``CACHE_SIZE``), keyed by its
fingerprint (which parameters, which modules in which mode, and the running statistics
of modules in evaluation mode, which enter the graph as numbers), the loss function and
the target layout. Changing parameters' values needs no retrace (the tape reads them at
every pass); replacing a parameter or a module, switching train/eval, or new running
statistics does. A model changed in a way its fingerprint does not show (a module's
attribute set by hand) is still safe: ``fit`` checks the tape against the scalar engine
whenever it traces, and a copy of the model starts with no tapes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

import numpy as np

import autograd
from autograd import DomainError, Parameter, TraceError, Value

from ..checks import is_classification
from ..dropout import given_masks
from ..module import Module

CACHE_SIZE = 6
"""Tapes kept per model: outputs and loss tapes, in train and eval mode, for a few losses."""

SAMPLE_ROWS = 6
"""How many rows of the data check the tape against the scalar engine (at least 2)."""

TOLERANCE = 1e-9
"""Relative agreement asked of the tape and the scalar engine on the sample rows."""


class NotTraceable(TraceError):
    """This model (or model and loss) cannot run on the batch tape: the message says why."""


def predict(model: Module, X) -> np.ndarray | None:
    """The model's outputs over the rows of X, shape (n, nout), from its traced graph.

    Runs in the model's current mode, under no_grad, in chunks of rows. Returns None
    when the tape cannot give the scalar engine's answer (the model cannot be traced,
    X is not an array of finite numbers of the right shape, or an op's domain is left:
    the scalar engine then says what went wrong).
    """
    X = _numeric_rows(X, model.nin)
    found = survey(model)
    if X is None or found.coupled is not None or any(m.mask_width() for m in found.modules):
        return None  # masks drawn anew at every pass (a Dropout in training) are the loss tape's business
    try:
        tape = _cached(model, found.fingerprint, None, (), lambda: OutputTape(model, X))
    except NotTraceable:
        return None
    try:
        with autograd.no_grad():
            return tape.forward(X)
    except DomainError:
        return None


def prepare(model: Module, loss_fn, X, y, found: Survey | None = None) -> LossTape:
    """The traced per-example loss (a LossTape) for model and loss on data like (X, y), or NotTraceable.

    The tape is taken from the model's cache or traced (and checked, see the module
    docstring); then the loss is checked once on all of y. ``found``: the model's
    ``survey()``, if at hand.
    """
    found = survey(model) if found is None else found
    if found.coupled is not None:
        raise NotTraceable(f"{found.coupled} (one example's graph cannot express that)")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    layout = _target_layout(y, model.nout)
    fingerprint = found.fingerprint + tuple(m.mask_width() for m in found.modules)  # the mask columns
    entry = _cached(model, fingerprint, loss_fn, layout, lambda: LossTape(model, loss_fn, X, y, layout))
    entry.check_targets(X, y)
    return entry


def tape_gradients(model: Module, X, y, loss_fn):
    """``ENGINES["tape"]``: forward, loss and backward of one batch on the tape: (loss, outputs array).

    The same contract as ``scalar_gradients``: leaves every parameter's ``grad`` holding
    d loss / d parameter and changes no parameter (the optimiser's step does). Raises
    NotTraceable when the tape cannot give the scalar engine's answer.
    """
    return prepare(model, loss_fn, X, y).gradients(np.asarray(X, dtype=float), np.asarray(y))


class OutputTape:
    """The model's outputs for one example, traced: ``forward(X)`` gives (n, nout)."""

    def __init__(self, model: Module, X: np.ndarray):
        examples = _spread_rows(X, 3)

        def outputs(*x):
            return model.forward_batch([list(x)])[0]

        self.tape = _trace("the model's outputs", outputs, model.nin, examples)
        with autograd.no_grad(), autograd.gc_paused():
            expected = _numbers(model.forward_batch(examples))
            got = self.tape.forward(examples)
        _agree("the outputs", got, expected)

    def forward(self, X: np.ndarray) -> np.ndarray:
        return self.tape.forward(X)


class LossTape:
    """The per-example loss (and the outputs) of a model, traced with the target as inputs.

    ``gradients(X, y)`` runs forward, loss and backward on a batch; ``layout`` is ("classes", labels)
    or ("values", number of target columns), see the module docstring. The loss is
    always called with targets as given (same dtype), as the scalar engine calls it.
    """

    def __init__(self, model: Module, loss_fn, X: np.ndarray, y: np.ndarray, layout: tuple):
        self.model, self.loss_fn, self.layout = model, loss_fn, layout
        self.nin = model.nin
        self.n_targets = len(layout[1]) if layout[0] == "classes" else max(layout[1], 1)
        self.masked = [m for _, m in model.named_modules() if m.mask_width()]  # a Dropout in training
        self.widths = [m.mask_width() for m in self.masked]
        self.parameters = model.parameters()
        self._seeds = {}
        self._checked = OrderedDict()  # the targets the loss has accepted, by their bytes
        sample = _sample_rows(y, layout)
        Xs, ys = X[sample], y[sample]
        masks = self.sample_masks(len(Xs))
        Z = self.inputs(Xs, ys, masks)
        what = "the loss of one example (its target as inputs)"
        rows = Z[_distinct_targets(ys)[:3]]
        self.tape = _trace(what, self._per_example, Z.shape[1], rows[:1])
        own, used = set(self.parameters), set(self.tape.parameters)
        self._models = [p in own for p in self.tape.parameters]  # per tape parameter: the model's?
        self._unused = [p for p in self.parameters if p not in used]
        try:
            self._check_against_the_scalar_engine(Xs, ys, masks)
        except NotTraceable:
            # Traced at one row, a graph that depends on the data shows up here, as other
            # numbers or gradients at another sample row. Tracing at three rows (the check
            # autograd.trace makes by default) then says so in plain words, if that is it.
            _trace(what, self._per_example, Z.shape[1], rows)
            raise

    def _per_example(self, *inputs):
        """[loss of one example, its outputs...], the target being inputs[nin:], then the masks."""
        x = list(inputs[: self.nin])
        t = inputs[self.nin : self.nin + self.n_targets]
        with given_masks(self._split([inputs[self.nin + self.n_targets :]])):
            outputs = self.model.forward_batch([x])[0]
        kind, what = self.layout
        if kind == "classes":
            branches = [_loss_value(self.loss_fn, [outputs], [label]) * t[k] for k, label in enumerate(what)]
            loss = branches[0] if len(branches) == 1 else autograd.sum(branches)
        else:
            loss = _loss_value(self.loss_fn, [outputs], [t[0]] if what == 0 else [list(t)])
        return [loss, *outputs]

    def draw_masks(self, n: int) -> np.ndarray:
        """The masks of one step for n examples, (n, mask columns): each module's next draws, side by side."""
        return np.concatenate([np.zeros((n, 0))] + [m.draw_masks(n) for m in self.masked], axis=1)

    def sample_masks(self, n: int) -> np.ndarray:
        """Masks for checks (a generator of their own, seeded: the modules' draws are left alone)."""
        rng = np.random.default_rng(0)
        return np.concatenate([np.zeros((n, 0))] + [m.draw_masks(n, rng) for m in self.masked], axis=1)

    def _split(self, masks) -> dict:
        """{module: its rows of masks} from rows of mask columns side by side (numbers or Values)."""
        out, start = {}, 0
        for m, width in zip(self.masked, self.widths):
            out[m] = [list(row[start : start + width]) for row in masks]
            start += width
        return out

    def inputs(self, X: np.ndarray, y: np.ndarray, masks: np.ndarray) -> np.ndarray:
        """The tape's input rows: X's columns, then the target's (one-hot or as numbers), then the masks'.

        A Dropout in training mode multiplies its units by mask inputs (one column per
        unit): the traced graph holds x * m, not one fixed mask, so the replay is exact.
        """
        kind, what = self.layout
        if kind == "classes":
            T = (y[:, None] == np.asarray(what, dtype=float)[None, :]).astype(float)
            if not T.any(axis=1).all():
                new = sorted(set(y.tolist()) - set(what))
                raise NotTraceable(f"the tape was traced for the labels {list(what)}, not {new}")
        else:
            T = y.reshape(len(y), -1).astype(float)
        return np.concatenate([X, T, masks], axis=1)

    def gradients(self, X: np.ndarray, y: np.ndarray):
        """Forward, loss and backward of one batch: (mean loss, outputs (n, nout)); sets every grad."""
        out = self.tape.forward(self.inputs(X, y, self.draw_masks(len(X))))
        grads = self.tape.parameter_gradients(self._seed(len(X)), reduce="mean").tolist()
        # As the scalar engine leaves them: the model's parameters hold this batch's
        # gradient (0 if the loss does not use one), any other leaf adds it to its own.
        for p, g, of_model in zip(self.tape.parameters, grads, self._models):
            p.grad = g if of_model else p.grad + g
        for p in self._unused:
            p.grad = 0.0
        return float(out[:, 0].mean()), out[:, 1:]

    def check_targets(self, X: np.ndarray, y: np.ndarray) -> None:
        """Call the loss once on all of y (with the model's outputs) so it refuses what it would refuse."""
        key = (y.dtype.str, y.shape, y.tobytes())
        if key in self._checked:
            return
        with autograd.no_grad():
            try:
                outputs = self.tape.forward(self.inputs(X, y, self.sample_masks(len(X))))[:, 1:]
            except DomainError as error:
                raise NotTraceable(f"the tape failed on the data: {error}") from error
            rows = [[Value(v) for v in row] for row in outputs.tolist()]
            try:
                self.loss_fn(rows, y)
            except Exception as error:  # user code: whatever it raises, the scalar engine will raise too
                raise NotTraceable(f"the loss refused the targets: {error}") from error
        self._checked[key] = True
        if len(self._checked) > 4:
            self._checked.popitem(last=False)

    def _seed(self, n: int) -> np.ndarray:
        """d objective / d output per row: 1 for the loss, 0 for the outputs (fit reads them only)."""
        if n not in self._seeds:
            if len(self._seeds) > 3:
                self._seeds.clear()
            seed = self._seeds[n] = np.zeros((n, self.tape.n_outputs))
            seed[:, 0] = 1.0
        return self._seeds[n]

    def _check_against_the_scalar_engine(self, Xs: np.ndarray, ys: np.ndarray, masks: np.ndarray) -> None:
        known = set(self.parameters)
        params = list(self.parameters) + [p for p in self.tape.parameters if p not in known]
        with autograd.gc_paused():
            try:
                with given_masks(self._split(masks.tolist())):
                    outputs = self.model.forward_batch(Xs)
                loss = _loss_value(self.loss_fn, outputs, ys)
                expected = autograd.grad(loss, params)
            except NotTraceable:
                raise
            except Exception as error:  # user code (the loss, a custom module): the scalar engine will say
                raise NotTraceable(f"the scalar engine failed on the sample rows: {error}") from error
            expected_outputs = _numbers(outputs)
            expected_loss = loss.data
            del outputs, loss
        try:
            out = self.tape.forward(self.inputs(Xs, ys, masks))
            grads = self.tape.backward(self._seed(len(Xs)), reduce="mean", accumulate=False)
        except DomainError as error:
            raise NotTraceable(f"the tape failed on the sample rows: {error}") from error
        _agree("the outputs", out[:, 1:], expected_outputs)
        _agree(
            "the loss",
            [out[:, 0].mean()],
            [expected_loss],
            hint=" (the tape takes the mean of per-example losses: is the loss a mean over the examples?)",
        )
        _agree("the gradients", [grads.get(p, 0.0) for p in params], expected)


def _loss_value(loss_fn, outputs, targets) -> Value:
    """loss_fn(outputs, targets), which must be a Value."""
    loss = loss_fn(outputs, targets)
    if not isinstance(loss, Value):
        raise NotTraceable(f"the loss function must return a Value, got {type(loss).__name__}")
    return loss


def _trace(what: str, fn, n_inputs: int, examples: np.ndarray) -> autograd.Tape:
    """autograd.trace of ``what``, anything that stops it a NotTraceable (the scalar engine says the rest)."""
    try:
        with autograd.gc_paused():
            return autograd.trace(fn, n_inputs, examples=examples)
    except NotTraceable:
        raise
    except Exception as error:  # fn runs user code (a loss, a custom module): anything may stop it
        raise NotTraceable(f"tracing {what} failed: {error}") from error


def _agree(what: str, got, expected, hint: str = "") -> None:
    """Raise NotTraceable unless the tape's numbers equal the scalar engine's to TOLERANCE."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=TOLERANCE, atol=TOLERANCE * scale):
        worst = float(np.max(np.abs(got - expected))) if got.shape == expected.shape else float("nan")
        raise NotTraceable(
            f"the tape and the scalar engine disagree on {what} over sample rows of the data "
            f"(by {worst:.3g}, scale {scale:.3g}){hint}"
        )


def _target_layout(y: np.ndarray, nout: int) -> tuple:
    """("classes", labels) for class labels (``nn.checks.is_classification``), else ("values", columns).

    ``columns`` is 0 for one target per example given as a 1-D y.
    """
    if is_classification(y, nout):
        return ("classes", tuple(np.unique(y).tolist()))
    return ("values", 0 if y.ndim == 1 else y.shape[1])


def _sample_rows(y: np.ndarray, layout: tuple) -> np.ndarray:
    """A few row indices: the first row of every class (or the extremes of the targets), at least 2."""
    n = len(y)
    if layout[0] == "classes":
        first = [int(np.flatnonzero(y == c)[0]) for c in layout[1]]
    else:
        flat = y.reshape(n, -1)[:, 0].astype(float)
        first = [int(np.argmin(flat)), int(np.argmax(flat))]
    rest = np.linspace(0, n - 1, SAMPLE_ROWS).astype(int).tolist()
    rows = list(dict.fromkeys(first + rest))[: max(SAMPLE_ROWS, len(first))]
    if len(rows) < 2:
        rows = rows * 2  # the same row twice still tells a mean from a sum
    return np.array(rows)


def _distinct_targets(y: np.ndarray) -> list[int]:
    """Row positions, each new target's first row first: tracing there shows a graph that depends on them."""
    seen, first, rest = set(), [], []
    for i, row in enumerate(y.reshape(len(y), -1).tolist()):
        (rest if tuple(row) in seen else first).append(i)
        seen.add(tuple(row))
    return first + rest


def _spread_rows(X: np.ndarray, k: int) -> np.ndarray:
    """Up to k different rows of X, spread over it (the first, the last, the middle)."""
    picks = [0, len(X) - 1, len(X) // 2][:k]
    rows = list(dict.fromkeys(picks))
    return X[rows]


def _numeric_rows(X, nin: int) -> np.ndarray | None:
    """X as a finite float array (n, nin) with n >= 1, or None (the scalar path then checks it)."""
    if not isinstance(X, np.ndarray):
        try:
            X = np.asarray(X, dtype=float)
        except (TypeError, ValueError):
            return None
    if X.dtype.kind not in "biuf":
        return None
    if X.ndim == 1 and nin == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != nin or len(X) == 0 or not np.isfinite(X).all():
        return None
    return X.astype(float, copy=False)


def _numbers(rows) -> np.ndarray:
    return np.array([[v.data for v in row] for row in rows], dtype=float)


# ---------------------------------------------------------------- the cache


class _Cache:
    """The tapes of one model, most recent last; copies and pickles of the model start empty."""

    def __init__(self):
        self.entries = OrderedDict()

    def __reduce__(self):
        return (_Cache, ())


def _cached(model: Module, fingerprint: tuple, loss_fn, layout: tuple, make):
    """The entry for (the model's fingerprint, loss, layout), made now if there is none.

    A failure is not kept: it may come from the data (a domain error at the sample
    rows), and the next call, with other data, may trace.
    """
    cache = model.__dict__.get("_tapes")
    if cache is None:
        cache = model.__dict__["_tapes"] = _Cache()
    key = (fingerprint, id(loss_fn), layout)  # the entry holds loss_fn: its id is not reused
    entry = cache.entries.get(key)
    if entry is None:
        entry = cache.entries[key] = make()
        if len(cache.entries) > CACHE_SIZE:
            cache.entries.popitem(last=False)
    else:
        cache.entries.move_to_end(key)
    return entry


class Survey(NamedTuple):
    """What one walk through a model finds (see ``survey``)."""

    modules: list  # the model and every module in it, in the order of named_modules()
    fingerprint: tuple  # what the traced graph depends on besides parameter values
    coupled: str | None  # why the first module that couples the examples of a batch does, if any


def survey(model: Module) -> Survey:
    """One walk through the model: its modules, its fingerprint, a module that couples examples.

    The fingerprint holds every module with its mode, every parameter (the very objects)
    and the buffers (running statistics) of the modules in evaluation mode, which the
    graph holds as numbers: the tape is traced again when it changes. Modules come in
    the order of ``named_modules()`` (depth first, attributes in the order they were
    set), without the names: this runs at every fit and predict, so it is a plain loop.
    """
    found, out, coupled = [], [], None
    stack = [model]
    while stack:
        module = stack.pop()
        found.append(module)
        out.append(module)
        out.append(module.training)
        if not module.training:
            for attr in module._buffers:
                out.extend(getattr(module, attr))
        if coupled is None:
            coupled = module.couples_examples()
        parts = []
        for value in module.__dict__.values():
            if isinstance(value, list):
                params = [item for item in value if isinstance(item, Parameter)]
                out += params
                if len(params) < len(value):
                    parts += [item for item in value if isinstance(item, Module)]
            elif isinstance(value, Parameter):
                out.append(value)
            elif isinstance(value, Module):
                parts.append(value)
        stack.extend(reversed(parts))
    return Survey(found, tuple(out), coupled)
