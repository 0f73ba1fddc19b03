"""Training: ``fit`` a model to data by gradient descent, one step per batch.

One training step is forward, loss, backward, update. The engine policy
(``nn.engines``) computes the first three, the gradients, on the scalar engine (one
graph of Values for the batch) or on the batch tape (one traced graph of one example
replayed over the batch with numpy); the optimiser's ``step()`` is the update.
``fit(engine="auto")`` takes the tape wherever it gives the scalar engine's answer.
``History`` (``nn.history``) keeps what was measured, ``nn.metrics`` measures it.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from contextlib import contextmanager

import numpy as np
from tqdm.auto import tqdm

import autograd

from . import losses, optim
from .checks import brief, is_classification, positive, whole
from .engines import EngineChoice, check_engine, survey
from .history import History
from .init import as_rng
from .inputs import as_dataset
from .metrics import count_correct, decision_threshold, evaluate, mean_abs_grads, weights_by_layer
from .module import Module


class StopTraining(Exception):
    """Raise it from a callback to end ``fit`` after the current epoch (early stopping)."""


class TrainingDiverged(FloatingPointError):
    """``fit`` stopped: the training ran away (the loss exploded, or a step would make a weight inf or NaN).

    ``history`` holds the epochs so far (the last one marked not complete, and
    ``history.diverged`` says what ran away); the model keeps the weights of the last
    step taken: the step that found the divergence is not applied.
    """

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


EXPLODED = 1e12
"""A loss this many times the first step's (or 1, if larger) counts as exploded: the training diverged.

Far past anything a model that learns reaches, and past a divergence worth watching: the
lecture's step size just above 2/c grows the loss a million-fold in 40 steps, and fit
lets it show that. A learning rate of 1e10 on the lecture's data passes it at once.
"""


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
    - ``progress``: a progress bar where one can be seen (a terminal or a notebook), never
      into a file or a pipe (``backprop-lab demo > log 2>&1`` stays readable).
    - ``engine``: "auto" (the default): the batch tape wherever it gives the scalar
      engine's answer, else the scalar engine (``history.engine`` says which ran and
      ``history.engine_reason`` why not the tape: a BatchNorm in training mode, a loss
      that cannot be traced, ...); "scalar": the graph of Values, the teaching path;
      "tape": the tape or a ``nn.engines.NotTraceable`` error saying why not. The
      validation is measured on the tape too, unless "scalar" is asked for.

    Accuracy is measured when y holds class labels (``nn.checks.is_classification``);
    it counts class 1 where the single output is above 0 (a logit or a hinge score), or
    above 0.5 for a sigmoid output or the "mse" loss; the largest output for several
    outputs. Ctrl-C stops the training after the current step and returns
    the history so far (``history.interrupted``): every parameter is either before or
    after that step, never half-way. A second Ctrl-C abandons the step in progress at
    once; so does a KeyboardInterrupt raised by the loss function or a callback. An
    epoch that stopped part-way is kept in the history, marked ``complete=False``.

    Divergence stops the training with ``nn.TrainingDiverged`` (its ``history`` holds
    the epochs so far): a loss over ``nn.training.EXPLODED`` times the first step's, or a step that
    would make a weight inf or NaN (the learning rate is usually too large). Every
    argument is checked before the first step (the validation set is scored once at
    the start), so a bad one raises with the model unchanged.
    """
    check_engine(engine)
    loss_fn = losses.get(loss)
    X, y = as_dataset(X, y, model.nin, "X, y")
    epochs = whole(epochs, "epochs", minimum=0)
    batch = len(X) if batch_size is None else min(whole(batch_size, "batch_size"), len(X))
    opt = _optimizer(model, optimizer, lr)
    threshold = 0.5 if loss == "mse" else None
    classify = is_classification(y, model.nout)
    rng = as_rng(seed)
    callbacks = _callbacks(callbacks)
    if schedule is not None and not callable(schedule):
        raise ValueError(f"schedule must be None or a function (base_lr, epoch) -> rate, got {schedule!r}")
    if validation is not None:
        validation = _validation(validation, model, y, classify, loss_fn, threshold, engine)
    found = survey(model)
    layer_weights = weights_by_layer(model, found.modules)
    history = History()
    if not all(m.training for m in found.modules):
        model.train()
        found = None
    choice = EngineChoice(engine, model, loss_fn, X, y, found)
    batches = -(-len(X) // batch)
    first_loss, ran_away = None, None
    buffers = [getattr(m, attr) for _, m in model.named_modules() for attr in m._buffers]
    bar = tqdm(total=epochs, disable=_bar_disabled(progress), unit="epoch")
    with _ctrl_c_deferred() as ctrl_c, bar:
        for epoch in range(epochs):
            started = time.perf_counter()
            if schedule is not None:
                opt.lr = _rate(schedule(opt.base_lr, epoch))
            order = rng.permutation(len(X)) if batch < len(X) else np.arange(len(X))
            total_loss, seen, correct, steps = 0.0, 0, 0, 0
            grads = dict.fromkeys(layer_weights, 0.0)
            level = decision_threshold(model, threshold) if classify else None
            try:
                for start in range(0, len(X), batch):
                    idx = order[start : start + batch]
                    # A step is all or nothing: its forward pass moves BatchNorm's running
                    # statistics, which go back if the step is not taken.
                    kept = [list(b) for b in buffers]
                    try:
                        batch_loss, outputs = _gradients(
                            choice, X[idx], y[idx], updated=first_loss is not None
                        )
                        first_loss = batch_loss if first_loss is None else first_loss
                        flow = mean_abs_grads(layer_weights)
                        _check_loss(batch_loss, first_loss)
                        opt.step()
                    except FloatingPointError as error:
                        _restore(buffers, kept)
                        model.zero_grad()  # the step not taken
                        history.diverged = f"training diverged in epoch {epoch}, step {steps + 1}: {error}"
                        ran_away = error.__cause__ or error
                        break
                    except BaseException:
                        _restore(buffers, kept)
                        raise
                    steps += 1
                    total_loss += batch_loss * len(idx)
                    seen += len(idx)
                    if classify:
                        correct += count_correct(outputs, y[idx], level)
                    for name, value in flow.items():
                        grads[name] += value
                    if ctrl_c.pressed:
                        break
            except KeyboardInterrupt:
                ctrl_c.pressed = True
                model.zero_grad()  # the abandoned step's partial gradients
            if steps:
                if validation is None or ctrl_c.pressed or history.diverged:
                    val = (None, None)
                else:
                    val = evaluate(model, *validation, loss_fn, threshold, fast=engine != "scalar")
                history._add(
                    epoch,
                    total_loss / seen,
                    correct / seen if classify else None,
                    val,
                    opt.lr,
                    time.perf_counter() - started,
                    {name: g / steps for name, g in grads.items()},
                    complete=steps == batches,
                )
                bar.update(1)
                if not bar.disable:  # a hidden bar would still format the figures
                    bar.set_postfix(_summary(history), refresh=False)
            if history.diverged:
                break
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
                choice.refresh()  # a callback may have changed the model: choose the engine again
    if not choice.names and not choice.ready:
        choice.prepare()  # no step ran: say which engine would have
    history.engine, history.engine_reason = choice.used or choice.planned, choice.reason
    if history.diverged:
        raise TrainingDiverged(history.diverged, history) from ran_away
    return history


def _gradients(choice, X, y, updated: bool):
    """The step's (loss, outputs); a DomainError once training changed the weights counts as divergence.

    At the first step the data, the model or the loss is at fault, and its DomainError
    stands; later, the weights the training made took an op out of its domain (a
    product that overflows after a huge step), so it becomes a FloatingPointError.
    """
    try:
        return choice.gradients(X, y)
    except autograd.DomainError as error:
        if not updated:
            raise
        raise FloatingPointError(f"{error} (the learning rate is probably too large)") from error


def _restore(buffers: list, kept: list):
    """Put every buffer's numbers back as they were kept (in place: the modules hold these lists)."""
    for buffer, values in zip(buffers, kept):
        buffer[:] = values


def _check_loss(loss: float, first: float):
    """A FloatingPointError if the batch loss is not finite or has exploded (EXPLODED times the first)."""
    if not math.isfinite(loss) or abs(loss) > EXPLODED * max(abs(first), 1.0):
        raise FloatingPointError(
            f"the loss is {loss:.4g}, over {EXPLODED:g} times the first step's ({first:.4g}): "
            "the learning rate is probably too large"
        )


def _optimizer(model, optimizer, lr):
    if isinstance(optimizer, optim.Optimizer):
        own = {id(p) for p in model.parameters()}
        foreign = [p for p in optimizer.params if id(p) not in own]
        if foreign:
            name = foreign[0].label or repr(foreign[0])
            raise ValueError(
                f"optimizer: {len(foreign)} of its {len(optimizer.params)} parameters are not the model's "
                f"(such as {name}): make it over model.parameters()"
            )
        if lr is not None:
            optimizer.lr = optimizer.base_lr = positive(lr, "lr")
        return optimizer
    return optim.make(optimizer, model.parameters(), lr)


def _callbacks(callbacks) -> list:
    """``callbacks`` as a list of functions, or a ValueError before anything ran."""
    if callable(callbacks) or isinstance(callbacks, (str, bytes)) or not hasattr(callbacks, "__iter__"):
        raise ValueError(f"callbacks must be a list of functions f(model, history), got {brief(callbacks)}")
    callbacks = list(callbacks)
    for i, callback in enumerate(callbacks):
        if not callable(callback):
            raise ValueError(f"callbacks[{i}] must be a function f(model, history), got {brief(callback)}")
    return callbacks


def _validation(validation, model, y, classify, loss_fn, threshold, engine):
    """(X_val, y_val) checked and scored once, so that a set the loss cannot score fails before any step."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError(f"validation must be a pair (X_val, y_val), got {brief(validation)}")
    X_val, y_val = as_dataset(*validation, model.nin, "validation")
    if classify and not is_classification(y_val, model.nout):
        ours, theirs = (sorted(set(np.unique(labels).tolist())) for labels in (y, y_val))
        raise ValueError(
            f"validation: y must hold class labels like the training y's {ours}, got {brief(theirs)}"
        )
    try:
        evaluate(model, X_val, y_val, loss_fn, threshold, fast=engine != "scalar")
    except (ValueError, TypeError) as error:
        raise ValueError(f"validation: {error}") from None
    return X_val, y_val


def _bar_disabled(progress) -> bool | None:
    """tqdm's ``disable``: True without progress, False in a notebook, else None (only on a terminal)."""
    if not progress:
        return True
    return False if _in_notebook() else None


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (IPython with a kernel), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if hasattr(ipython, "get_ipython") else None
    return getattr(shell, "kernel", None) is not None


def _rate(lr):
    if not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"the schedule must give a learning rate > 0, got {lr!r}")
    return float(lr)


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
