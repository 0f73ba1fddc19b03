"""Loss functions: how wrong a batch of outputs is, as one Value to call ``backward()`` on.

Batch losses take ``(outputs, targets)``: ``outputs`` is what ``model.forward_batch(X)``
returns (one list of Values per example; a bare Value per example is accepted for
one-output models) and ``targets`` one target per example (a sequence or numpy array).
Each returns the MEAN over the examples, so the learning rate does not depend on the
batch size. Any function with this signature can be given to ``nn.fit`` as ``loss``.

Per-example pieces: ``softmax(logits)``, ``log_softmax(logits)``,
``cross_entropy(logits, target)``; and ``l2(params, alpha)``, a penalty to add to a loss.

Targets may also be Values: ``mse``, ``binary_cross_entropy`` and ``hinge`` then use
them as operands (checked on their numbers), so the batch tape can trace a loss with
the target as one more input (see ``nn.engines.tape``).
"""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Value

from .checks import lookup, nonnegative

_sum = autograd.sum
_builds_a_graph = autograd.gc_paused()  # graphs hold no cycles: see autograd.gc_paused


@_builds_a_graph
def mse(outputs, targets) -> Value:
    """Mean squared error: mean over examples and outputs of (output - target)^2.

    ``targets`` has shape (n,) for one output per example, or (n, k) for k outputs.
    """
    rows = _rows(outputs)
    t = np.asarray(targets, dtype=float)
    if t.ndim == 1:
        t = t[:, None]
    _check_batch(rows, t, "mse")
    if t.shape[1] != len(rows[0]):
        raise ValueError(f"mse: the model gives {len(rows[0])} outputs per example, the targets {t.shape[1]}")
    given = _as_given(targets, t)
    terms = [(o - target) ** 2 for row, trow in zip(rows, given) for o, target in zip(row, trow)]
    return _sum(terms) * (1.0 / len(terms))


@_builds_a_graph
def binary_cross_entropy(logits, targets) -> Value:
    """Mean of -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))] over examples, from logits z.

    Written as softplus(z) - t z, which is the same number but never takes the log of a
    probability that rounded to 0: stable for any logit. d/dz = sigmoid(z) - t.
    ``targets`` are 0 or 1 (any t in [0, 1] works).
    """
    z = _single_outputs(logits, "binary_cross_entropy")
    t = _targets(targets, len(z), "binary_cross_entropy")
    if any(not 0.0 <= x <= 1.0 for x in t):
        raise ValueError(f"binary_cross_entropy needs targets in [0, 1], got {sorted(set(t))[:5]}")
    terms = [autograd.softplus(zi) - ti * zi for zi, ti in zip(z, _as_given(targets, t))]
    return _sum(terms) * (1.0 / len(terms))


@_builds_a_graph
def hinge(outputs, targets) -> Value:
    """micrograd's max-margin loss: mean of max(0, 1 - t s) over examples, t in {-1, +1}.

    Targets 0/1 (as the data sets give them) are read as -1/+1. The score s must be on
    the right side of 0 by a margin of 1 for an example to cost nothing.
    """
    s = _single_outputs(outputs, "hinge")
    t = _targets(targets, len(s), "hinge")
    labels = set(t)
    if not labels <= {-1.0, 1.0} and not labels <= {0.0, 1.0}:
        raise ValueError(f"hinge needs targets in {{-1, +1}} or {{0, 1}}, got {sorted(labels)[:5]}")
    t = _as_given(targets, t)
    if 0.0 in labels:
        t = [2.0 * x - 1.0 for x in t]
    terms = [autograd.relu(1.0 - ti * si) for si, ti in zip(s, t)]
    return _sum(terms) * (1.0 / len(terms))


@_builds_a_graph
def log_softmax(logits) -> list[Value]:
    """log p_i = z_i - log(sum_j e^z_j), stable: logsumexp subtracts max_j z_j first."""
    z = _logit_list(logits, "log_softmax")
    lse = autograd.logsumexp(z)
    return [zi - lse for zi in z]


@_builds_a_graph
def softmax(logits) -> list[Value]:
    """p_i = e^z_i / sum_j e^z_j: probabilities that sum to 1 (computed as exp(log_softmax))."""
    return [autograd.exp(v) for v in log_softmax(logits)]


@_builds_a_graph
def cross_entropy(logits, target) -> Value:
    """The negative log-likelihood of class ``target`` for ONE example: -log softmax(z)[target].

    = log(sum_j e^z_j) - z_target. d/dz_i = softmax(z)_i - [i == target].
    """
    z = _logit_list(logits, "cross_entropy")
    if isinstance(target, bool) or not float(target).is_integer() or not 0 <= target < len(z):
        raise ValueError(f"cross_entropy needs a class index in 0..{len(z) - 1}, got {target!r}")
    return autograd.logsumexp(z) - z[int(target)]


@_builds_a_graph
def mean_cross_entropy(outputs, targets) -> Value:
    """``cross_entropy`` averaged over a batch: outputs are each example's logits, targets class indices."""
    rows = _rows(outputs)
    t = _targets(targets, len(rows), "cross_entropy")
    return _sum([cross_entropy(row, ti) for row, ti in zip(rows, t)]) * (1.0 / len(rows))


@_builds_a_graph
def l2(params, alpha: float) -> Value:
    """The L2 penalty alpha * sum(p^2) over ``params``; add it to a loss (d/dp = 2 alpha p)."""
    params = list(params)
    if not params:
        raise ValueError("l2 needs at least one parameter")
    alpha = nonnegative(alpha, "l2's alpha")
    return alpha * _sum([p * p for p in params])


LOSSES = {"mse": mse, "bce": binary_cross_entropy, "cross_entropy": mean_cross_entropy, "hinge": hinge}
"""The batch losses by the names ``nn.fit`` accepts."""


def get(loss):
    """The batch loss called ``loss`` (or ``loss`` itself if it is a function)."""
    return lookup(LOSSES, loss, "loss", functions_too=True)


def _rows(outputs) -> list[list[Value]]:
    rows = [row if isinstance(row, (list, tuple)) else [row] for row in outputs]
    if not rows:
        raise ValueError("a loss needs at least one example, got none")
    return rows


def _single_outputs(outputs, who) -> list[Value]:
    rows = _rows(outputs)
    if any(len(row) != 1 for row in rows):
        width = max(len(row) for row in rows)
        raise ValueError(f"{who} needs one output per example, got {width} (for classes use cross_entropy)")
    return [row[0] for row in rows]


def _logit_list(logits, who):
    z = list(logits)
    if not z:
        raise ValueError(f"{who} needs at least one logit")
    return z


def _targets(targets, n, who) -> list[float]:
    t = np.asarray(targets, dtype=float).reshape(-1)
    if len(t) != n:
        raise ValueError(f"{who}: {n} outputs but {len(t)} targets")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{who} needs finite targets")
    return t.tolist()


def _as_given(targets, checked):
    """The targets in the shape of ``checked`` (their numbers, already checked), as lists.

    Numbers come back as the floats of ``checked``; Values (the batch tape's placeholder
    inputs) come back as they are, so the loss uses them as operands.
    """
    checked = np.asarray(checked)
    if isinstance(targets, np.ndarray) and targets.dtype != object:
        return checked.tolist()
    flat = np.array(targets, dtype=object).reshape(-1)
    if not any(isinstance(x, Value) for x in flat):
        return checked.tolist()
    kept = [x if isinstance(x, Value) else float(x) for x in flat]
    return np.array(kept, dtype=object).reshape(checked.shape).tolist()


def _check_batch(rows, t, who):
    if len(t) != len(rows):
        raise ValueError(f"{who}: {len(rows)} outputs but {len(t)} targets")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{who} needs finite targets")
