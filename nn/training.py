"""Training: ``fit`` a model to data, and measure it (``accuracy``, ``gradient_flow``, ``layer_activations``).

One training step is forward, loss, backward, update. The first three live in one
function per engine (``ENGINES``), so another engine can replace them without touching
``fit``: ``_scalar_step`` runs the scalar engine, one graph of Values for the batch;
``nn.tape_engine.tape_step`` runs the batch tape, one traced graph of one example
replayed over the batch with numpy. ``fit(engine="auto")`` takes the tape wherever it
gives the scalar engine's answer (the rules are in ``nn.tape_engine``).
"""

from __future__ import annotations

import csv
import math
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral
from operator import attrgetter

import numpy as np
from tqdm.auto import tqdm

import autograd

from . import losses, optim, tape_engine
from .init import as_rng
from .layers import Layer, Neuron
from .module import Module, _as_rows


class StopTraining(Exception):
    """Raise it from a callback to end ``fit`` after the current epoch (early stopping)."""


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch in each list.

    ``loss`` and ``accuracy`` are the training batches' mean loss and accuracy during
    the epoch (each batch measured just before its update); ``val_loss`` and
    ``val_accuracy`` come from ``validation`` after the epoch, in evaluation mode (None
    without validation; accuracies are None for regression targets). ``lr`` is the rate
    the epoch used, ``time`` its seconds, and ``grad_norms[layer]`` the mean |gradient|
    per weight of that layer (biases left out), averaged over the epoch's steps: the
    gradient-flow picture. ``interrupted`` is True when Ctrl-C ended the training.
    ``engine`` names the engine that ran the steps ("tape" or "scalar"; "tape, scalar"
    if both did) and ``engine_reason`` why the scalar engine ran (None when it did not).
    """

    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    time: list = field(default_factory=list)
    grad_norms: dict = field(default_factory=dict)
    interrupted: bool = False
    engine: str = ""
    engine_reason: str | None = None

    COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time")

    def __len__(self):
        return len(self.epoch)

    def rows(self) -> list[dict]:
        """One dict per epoch: the columns above and ``grad_norm[<layer>]`` for each layer."""
        out = []
        for i in range(len(self)):
            row = {c: getattr(self, c)[i] for c in self.COLUMNS}
            row.update({f"grad_norm[{name}]": values[i] for name, values in self.grad_norms.items()})
            out.append(row)
        return out

    def to_csv(self, path):
        """Write ``rows()`` as CSV (a missing value is an empty cell)."""
        rows = self.rows()
        names = list(self.COLUMNS) + [f"grad_norm[{name}]" for name in self.grad_norms]
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=names)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)

    def _add(self, epoch, loss, accuracy, val, lr, seconds, grads):
        self.epoch.append(epoch)
        self.loss.append(loss)
        self.accuracy.append(accuracy)
        self.val_loss.append(val[0])
        self.val_accuracy.append(val[1])
        self.lr.append(lr)
        self.time.append(seconds)
        for name, value in grads.items():
            self.grad_norms.setdefault(name, []).append(value)


def _scalar_step(model, X, y, loss_fn):
    """Forward, loss and backward for one batch on the scalar engine: (loss, outputs array).

    Leaves every parameter's ``grad`` holding d loss / d parameter; changes no parameter.
    The graph has no reference cycles, so the cyclic garbage collector is paused while it
    is built and freed: it would only scan tens of thousands of live nodes for nothing.
    """
    with autograd.gc_paused():
        outputs = model.forward_batch(X)
        loss = loss_fn(outputs, y)
        if not isinstance(loss, autograd.Value):
            raise TypeError(f"the loss function must return a Value, got {type(loss).__name__}")
        model.zero_grad()
        loss.backward()
        values = np.array([[o.data for o in out] for out in outputs], dtype=float)
        result = loss.data
        del outputs, loss  # free the graph while the collector is still paused
    return result, values


ENGINES = {"scalar": _scalar_step, "tape": tape_engine.tape_step}
"""The step function of each engine ``fit`` can run on: ``step(model, X, y, loss_fn) -> (loss, outputs)``."""


def fit(
    model: Module,
    X,
    y,
    loss="bce",
    optimizer="sgd",
    epochs: int = 100,
    batch_size: int | None = None,
    lr: float | None = None,
    schedule=None,
    validation=None,
    seed=0,
    progress: bool = True,
    callbacks=(),
    engine: str = "auto",
) -> History:
    """Train ``model`` on (X, y) by gradient descent and return the History.

    - ``loss``: a name from ``nn.losses.LOSSES`` ("mse", "bce", "cross_entropy",
      "hinge") or a function ``(outputs, targets) -> Value`` (see ``nn.losses``).
    - ``optimizer``: "sgd" or "adam" (made over ``model.parameters()`` with ``lr``, or
      ``nn.optim.DEFAULT_LR``), or an optimiser object (``lr``, if given, replaces its rate).
    - ``batch_size``: None for full-batch gradient descent; otherwise the examples are
      shuffled each epoch (with ``seed``) and cut into batches of that size.
    - ``schedule``: None, or a function ``(base_lr, epoch) -> rate`` such as
      ``nn.schedules.StepDecay(every=100, gamma=0.5)``, applied at each epoch's start.
    - ``validation``: (X_val, y_val), measured after every epoch.
    - ``callbacks``: functions ``callback(model, history)`` called after every epoch;
      one may raise ``StopTraining`` to end the training there.
    - ``engine``: "auto" (the default): the batch tape wherever it gives the scalar
      engine's answer, else the scalar engine (``history.engine`` says which ran and
      ``history.engine_reason`` why not the tape: a BatchNorm in training mode, a loss
      that cannot be traced, ...); "scalar": the graph of Values, the teaching path;
      "tape": the tape or a ``nn.tape_engine.NotTraceable`` error saying why not. The
      validation is measured on the tape too, unless "scalar" is asked for.

    Accuracy counts class 1 where the single output is above 0 (a logit or a hinge
    score), or above 0.5 for a sigmoid output or the "mse" loss; the largest output
    for several outputs. Ctrl-C stops the training after the current step and returns
    the history so far (``history.interrupted``): every parameter is either before or
    after that step, never half-way. A second Ctrl-C abandons the step in progress at
    once; so does a KeyboardInterrupt raised by the loss function or a callback.
    """
    if engine != "auto" and engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of: auto, {', '.join(ENGINES)}")
    loss_fn = losses.get(loss)
    X, y = _check_data(model, X, y, "X, y")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, y_val)")
        validation = _check_data(model, *validation, "validation")
    epochs = _whole(epochs, "epochs", minimum=0)
    batch = len(X) if batch_size is None else min(_whole(batch_size, "batch_size"), len(X))
    opt = _optimizer(model, optimizer, lr)
    threshold = 0.5 if loss == "mse" else None
    classify = _is_classification(y)
    rng = as_rng(seed)
    found = tape_engine.survey(model)
    groups = _weight_groups(model, found.modules)
    history = History()
    if not all(m.training for m in found.modules):
        model.train()
        found = None
    runner = _Runner(engine, model, loss_fn, X, y, found)
    with _ctrl_c_deferred() as ctrl_c, tqdm(total=epochs, disable=not progress, unit="epoch") as bar:
        for epoch in range(epochs):
            started = time.perf_counter()
            if schedule is not None:
                opt.lr = _rate(schedule(opt.base_lr, epoch))
            order = rng.permutation(len(X)) if batch < len(X) else np.arange(len(X))
            total_loss, seen, correct, steps = 0.0, 0, 0, 0
            grads = dict.fromkeys(groups, 0.0)
            try:
                for start in range(0, len(X), batch):
                    idx = order[start : start + batch]
                    batch_loss, outputs = runner.step(X[idx], y[idx])
                    flow = _mean_abs_grads(groups)
                    opt.step()
                    steps += 1
                    total_loss += batch_loss * len(idx)
                    seen += len(idx)
                    if classify:
                        correct += _count_correct(outputs, y[idx], _threshold(model, threshold))
                    for name, value in flow.items():
                        grads[name] += value
                    if ctrl_c.pressed:
                        break
            except KeyboardInterrupt:
                ctrl_c.pressed = True
                model.zero_grad()  # the abandoned step's partial gradients
            if steps:
                if validation is None or ctrl_c.pressed:
                    val = (None, None)
                else:
                    val = _evaluate(model, *validation, loss_fn, threshold, fast=engine != "scalar")
                history._add(
                    epoch,
                    total_loss / seen,
                    correct / seen if classify else None,
                    val,
                    opt.lr,
                    time.perf_counter() - started,
                    {name: g / steps for name, g in grads.items()},
                )
                bar.update(1)
                bar.set_postfix(_summary(history), refresh=False)
            if ctrl_c.pressed:
                history.interrupted = True
                break
            try:
                for callback in callbacks:
                    callback(model, history)
            except StopTraining:
                break
            except KeyboardInterrupt:
                history.interrupted = True
                break
            if callbacks:
                runner.refresh()  # a callback may have changed the model: choose the engine again
    if not runner.names and not runner.ready:
        runner.prepare()  # no step ran: say which engine would have
    history.engine, history.engine_reason = runner.used or runner.planned, runner.reason
    return history


def accuracy(model: Module, X, y, threshold: float | None = None) -> float:
    """The fraction of examples whose predicted class is y (see ``fit`` for the rule).

    ``threshold`` overrides the decision level of a one-output model (default: 0, or
    0.5 for a sigmoid output). Labels -1/+1 (hinge) count as 0/1.
    """
    X, y = _check_data(model, X, y, "X, y")
    outputs = model.predict(X).reshape(len(X), -1)
    return _count_correct(outputs, y, _threshold(model, threshold)) / len(X)


def gradient_flow(model: Module) -> dict[str, float]:
    """Mean |grad| per weight of each layer (biases left out), from the last backward pass.

    The vanishing-gradient picture: with sigmoid the first layers get far smaller
    gradients than the last; with ReLU and Kaiming init they stay comparable.
    """
    return _mean_abs_grads(_weight_groups(model))


def layer_activations(model: Module, X, pre: bool = False) -> dict[str, np.ndarray]:
    """Each layer's outputs (or with ``pre=True`` its neurons' sums s) over X: {layer: (n, width)}.

    Computed under ``no_grad`` in the model's current mode (nothing is changed): the
    pictures of activations per layer, for Kaiming init and batch norm.
    """
    trace = []
    with autograd.no_grad():
        model._forward_many(_as_rows(np.asarray(X, dtype=float), model.nin, type(model).__name__), trace)
    which = 1 if pre else 2
    return {entry[0]: np.array([[v.data for v in row] for row in entry[which]]) for entry in trace}


def _evaluate(model, X, y, loss_fn, threshold, fast=True):
    """Loss and accuracy over (X, y) in evaluation mode, no graph kept.

    With ``fast``, the outputs come from the batch tape when the model can be traced, and
    the loss function is called on them as numbers (Values without a graph).
    """
    was_training = model.training
    model.eval()
    try:
        values = tape_engine.predict(model, X) if fast else None
        with autograd.no_grad(), autograd.gc_paused():
            if values is None:
                outputs = model.forward_batch(X)
                values = np.array([[o.data for o in out] for out in outputs], dtype=float)
            else:
                outputs = [[autograd.Value(v) for v in row] for row in values.tolist()]
            value = loss_fn(outputs, y).data
            del outputs
    finally:
        model.train(was_training)
    acc = _count_correct(values, y, _threshold(model, threshold)) / len(X) if _is_classification(y) else None
    return value, acc


class _Runner:
    """The training steps of one ``fit``: the engine asked for, or under "auto" the tape where it can.

    The choice is made at the first step (so a Ctrl-C or a KeyboardInterrupt while the
    tape is traced counts as one in that step) and again after ``refresh()`` (user code
    ran and may have changed the model). ``planned`` is the engine the next step runs
    on, ``used`` the engines that ran ("tape", "scalar", or both in the order they first
    ran), ``reason`` why the scalar engine runs (None when the tape does).
    """

    def __init__(self, engine, model, loss_fn, X, y, found=None):
        self.engine, self.model, self.loss_fn, self.X, self.y = engine, model, loss_fn, X, y
        self.found = found  # the model's survey, while it is known to be current
        self.tape = None
        self.reason = None
        self.names = []
        self.ready = False

    def refresh(self):
        """Choose the engine again before the next step."""
        self.ready = False
        self.found = None

    def prepare(self):
        """Choose the engine for the next steps (the tape, traced or from the model's cache, or not)."""
        self.tape = None
        self.ready = True
        if self.engine not in ("auto", "tape"):
            self.reason = f"engine={self.engine!r} was asked for" if self.engine != "tape" else None
            return
        try:
            self.tape = tape_engine.prepare(self.model, self.loss_fn, self.X, self.y, self.found)
            self.reason = None
        except tape_engine.NotTraceable as error:
            if self.engine == "tape":
                raise tape_engine.NotTraceable(f'engine="tape" cannot train this model: {error}') from error
            self.reason = str(error)

    @property
    def planned(self) -> str:
        if self.tape is not None:
            return "tape"
        return "scalar" if self.engine == "auto" else self.engine

    @property
    def used(self) -> str:
        return ", ".join(self.names)

    def step(self, X, y):
        """(batch loss, outputs) from the chosen engine; every grad set, no parameter changed."""
        if not self.ready:
            self.prepare()
        if self.tape is not None:
            try:
                result = self.tape.step(X, y)
            except (autograd.DomainError, tape_engine.NotTraceable) as error:
                if self.engine == "tape":
                    raise
                self.tape = None  # the scalar engine takes over, and says what is wrong if anything is
                self.reason = f"the tape failed on a batch: {error}"
            else:
                self._ran("tape")
                return result
        name = self.planned
        result = ENGINES[name](self.model, X, y, self.loss_fn)
        self._ran(name)
        return result

    def _ran(self, name):
        if name not in self.names:
            self.names.append(name)


def _weight_groups(model, parts=None):
    """{layer name: its weights} for every Layer in the model (the model itself for a Neuron).

    ``parts``: the model's modules, if already at hand (``nn.tape_engine.survey``).
    """
    parts = tape_engine.survey(model).modules if parts is None else parts
    layers = [m for m in parts if isinstance(m, Layer)]
    groups = {m.scope_name: [w for n in m.neurons for w in n.w] for m in layers}
    if not groups and isinstance(model, Neuron):
        groups[model.scope_name] = list(model.w)
    return groups


def _mean_abs_grads(groups):
    return {name: math.fsum(map(abs, map(_grad, ws))) / len(ws) for name, ws in groups.items()}


_grad = attrgetter("grad")


def _threshold(model, threshold):
    if threshold is not None:
        return threshold
    return 0.5 if model.output_activation == "sigmoid" else 0.0


def _count_correct(outputs, y, threshold) -> int:
    """How many rows of outputs (n, k) predict the class y (labels -1 count as 0)."""
    labels = np.where(np.asarray(y) == -1, 0, y).astype(int)
    predicted = (outputs[:, 0] > threshold).astype(int) if outputs.shape[1] == 1 else outputs.argmax(axis=1)
    return int(np.sum(predicted == labels))


def _is_classification(y) -> bool:
    y = np.asarray(y)
    return y.ndim == 1 and bool(np.all(np.mod(y, 1) == 0))


def _check_data(model, X, y, what):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim == 1 and model.nin == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != model.nin:
        raise ValueError(f"{what}: the model expects inputs of shape (n, {model.nin}), got {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{what}: no examples")
    if len(y) != len(X):
        raise ValueError(f"{what}: {len(X)} examples in X but {len(y)} targets in y")
    if not np.all(np.isfinite(X)) or not np.all(np.isfinite(y.astype(float))):
        raise ValueError(f"{what}: inputs and targets must be finite numbers")
    return X, y


def _optimizer(model, optimizer, lr):
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            optimizer.lr = optimizer.base_lr = optim._positive(lr, "lr")
        return optimizer
    return optim.make(optimizer, model.parameters(), lr)


def _rate(lr):
    if not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"the schedule must give a learning rate > 0, got {lr!r}")
    return float(lr)


def _whole(n, what, minimum=1):
    if not isinstance(n, Integral) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {n!r}")
    return int(n)


def _summary(history):
    out = {"loss": f"{history.loss[-1]:.4g}"}
    if history.accuracy[-1] is not None:
        out["acc"] = f"{history.accuracy[-1]:.3f}"
    if history.val_loss[-1] is not None:
        out["val_loss"] = f"{history.val_loss[-1]:.4g}"
    return out


class _CtrlC:
    pressed = False


@contextmanager
def _ctrl_c_deferred():
    """While training, the first Ctrl-C only asks to stop (checked after each step).

    A second Ctrl-C raises KeyboardInterrupt at once, as usual. Signal handlers can only
    be set from the main thread; elsewhere Ctrl-C is not caught here at all.
    """
    state = _CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum, frame):
        if state.pressed:
            raise KeyboardInterrupt
        state.pressed = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
