"""Data parallelism, the lecture's slide made runnable: split the batch, compute gradients apart, add them.

The loss of a batch is a mean of per-example terms, L = (1/N) sum_i l_i, so its gradient
splits over any shards S_1, ..., S_K of the batch:

    dL/dw = sum_k (|S_k| / N) * dL_k/dw,     L_k = the mean loss over shard S_k

Each worker holds a copy of the model, computes its shard's gradient, and only the
gradients travel back to be added. This is a teaching demonstration (one process pool
per call, the model sent as its state_dict), not a production trainer.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from numbers import Integral

import numpy as np

import autograd

from . import losses
from .module import Module
from .saving import from_spec


def data_parallel_grad(model: Module, X, y, loss="mse", workers: int = 2) -> np.ndarray:
    """The gradient of the batch's mean loss, computed on ``workers`` processes, one shard each.

    The batch is cut into ``workers`` shards of (nearly) equal size; each worker process
    rebuilds the model from its ``spec()`` and ``state_dict()``, runs forward, loss and
    backward on its shard (the scalar engine), and sends back its shard's gradient; the
    shard gradients, each weighted by |shard| / N, add up to the full batch's gradient:
    the same numbers as one full-batch pass, to rounding (about 1e-15). Returns the
    gradient as an array in the order of ``model.parameters()``, and sets every
    parameter's ``grad`` to it, as ``loss.backward()`` after ``zero_grad()`` would, so an
    optimiser's ``step()`` can follow.

    This is the lecture's slide on data parallelism made runnable, not a production
    trainer: a new process pool per call, the whole model sent to every worker, no
    overlap of communication and computation. The loss must be a mean of per-example
    terms (every loss in ``nn.LOSSES`` is) and picklable: a name, or a function defined
    at module level. A module that couples the examples or draws random masks (a
    BatchNorm or a Dropout in training mode, ``Module.couples_examples`` and
    ``Module.mask_width``) is refused: a
    shard's gradient would depend on the shard.
    """
    if not isinstance(model, Module):
        raise TypeError(f"data_parallel_grad needs model to be an nn Module, got {type(model).__name__}")
    if not isinstance(workers, Integral) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
    losses.get(loss)  # an unknown loss name is refused here, not in every worker
    try:
        pickle.dumps(loss)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(
            "data_parallel_grad sends the loss to worker processes: give a loss name or a function "
            f"defined at module level, got {loss!r} ({error})"
        ) from None
    for _, module in model.named_modules():
        reason = module.couples_examples()
        if reason is None and module.mask_width():
            reason = f"{type(module).__name__} {module.scope_name!r} draws random masks in training mode"
        if reason is not None:
            raise ValueError(
                f"data_parallel_grad cannot split this batch: {reason}; each shard's gradient would "
                "depend on the shard (call model.eval() or remove it)"
            )
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"data_parallel_grad: {len(X)} examples in X but {len(y)} targets in y")
    model.forward_batch(X[:1])  # checks the inputs' shape here, with the model's own message
    shards = [idx for idx in np.array_split(np.arange(len(X)), workers) if len(idx)]
    job = (model.spec(), model.state_dict(), [m.training for _, m in model.named_modules()], loss)
    with ProcessPoolExecutor(max_workers=len(shards)) as pool:
        futures = [pool.submit(_shard_gradient, job, X[idx], y[idx]) for idx in shards]
        parts = [f.result() for f in futures]
    gradient = sum(len(idx) / len(X) * part for idx, part in zip(shards, parts))
    for p, g in zip(model.parameters(), gradient.tolist()):
        p.grad = g
    return gradient


def _shard_gradient(job, X, y) -> np.ndarray:
    """In a worker: rebuild the model and return the gradient of its mean loss over (X, y)."""
    spec, state, modes, loss = job
    model = from_spec(spec)
    model.load_state_dict(state)
    for (_, module), training in zip(model.named_modules(), modes):
        module.training = training
    value = losses.get(loss)(model.forward_batch(X), y)
    return np.array(autograd.grad(value, model.parameters()), dtype=float)
