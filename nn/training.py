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
import threading
import time
from contextlib import contextmanager

import numpy as np
from tqdm.auto import tqdm

from . import losses, optim
from .checks import is_classification, positive, whole
from .engines import EngineChoice, check_engine, survey
from .history import History
from .init import as_rng
from .inputs import as_dataset
from .metrics import count_correct, decision_threshold, evaluate, mean_abs_grads, weights_by_layer
from .module import Module


class StopTraining(Exception):
    """Raise it from a callback to end ``fit`` after the current epoch (early stopping)."""


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
      "tape": the tape or a ``nn.engines.NotTraceable`` error saying why not. The
      validation is measured on the tape too, unless "scalar" is asked for.

    Accuracy is measured when y holds class labels (``nn.checks.is_classification``);
    it counts class 1 where the single output is above 0 (a logit or a hinge score), or
    above 0.5 for a sigmoid output or the "mse" loss; the largest output for several
    outputs. Ctrl-C stops the training after the current step and returns
    the history so far (``history.interrupted``): every parameter is either before or
    after that step, never half-way. A second Ctrl-C abandons the step in progress at
    once; so does a KeyboardInterrupt raised by the loss function or a callback.
    """
    check_engine(engine)
    loss_fn = losses.get(loss)
    X, y = as_dataset(X, y, model.nin, "X, y")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, y_val)")
        validation = as_dataset(*validation, model.nin, "validation")
    epochs = whole(epochs, "epochs", minimum=0)
    batch = len(X) if batch_size is None else min(whole(batch_size, "batch_size"), len(X))
    opt = _optimizer(model, optimizer, lr)
    threshold = 0.5 if loss == "mse" else None
    classify = is_classification(y, model.nout)
    rng = as_rng(seed)
    found = survey(model)
    layer_weights = weights_by_layer(model, found.modules)
    history = History()
    if not all(m.training for m in found.modules):
        model.train()
        found = None
    choice = EngineChoice(engine, model, loss_fn, X, y, found)
    with _ctrl_c_deferred() as ctrl_c, tqdm(total=epochs, disable=not progress, unit="epoch") as bar:
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
                    batch_loss, outputs = choice.gradients(X[idx], y[idx])
                    flow = mean_abs_grads(layer_weights)
                    opt.step()
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
                if validation is None or ctrl_c.pressed:
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
                )
                bar.update(1)
                if progress:  # a hidden bar would still format the figures
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
                choice.refresh()  # a callback may have changed the model: choose the engine again
    if not choice.names and not choice.ready:
        choice.prepare()  # no step ran: say which engine would have
    history.engine, history.engine_reason = choice.used or choice.planned, choice.reason
    return history


def _optimizer(model, optimizer, lr):
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            optimizer.lr = optimizer.base_lr = positive(lr, "lr")
        return optimizer
    return optim.make(optimizer, model.parameters(), lr)


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
