"""How smooth the loss is along the gradient: the measure behind "batch norm smooths the landscape".

Santurkar et al. (2018) explain batch norm's help by the landscape, not by the input
distributions: with it, the loss changes less and the gradient stays more predictive when
one steps along the gradient. ``loss_smoothness`` measures both at the current parameters
w, with g = grad L(w) and for each step size eta: L(w - eta g) (how far the loss moves)
and |grad L(w - eta g) - g| (how far the gradient moves), and their ratio to the step
length, an "effective beta-smoothness" (the largest curvature met along the way).
"""

from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np

import autograd

from . import losses
from .module import Module


class Smoothness(NamedTuple):
    """The loss and the gradient along -g at each step size (see ``loss_smoothness``).

    ``losses[i]`` is L(w - steps[i] g), ``grad_changes[i]`` is |grad L(w - steps[i] g) - g|;
    ``loss_range`` is max - min of the losses (L(w) included), ``beta`` the largest
    grad_changes[i] / |steps[i] g|: how much the gradient turns per unit of distance.
    """

    steps: np.ndarray
    losses: np.ndarray
    grad_changes: np.ndarray
    loss_at_start: float
    grad_norm: float

    @property
    def loss_range(self) -> float:
        return float(max(self.losses.max(), self.loss_at_start) - min(self.losses.min(), self.loss_at_start))

    @property
    def beta(self) -> float:
        return float(np.max(self.grad_changes / (self.steps * self.grad_norm))) if self.grad_norm else 0.0


def loss_smoothness(model: Module, X, y, loss="bce", steps=(0.05, 0.1, 0.2, 0.4)) -> Smoothness:
    """The loss L(w - eta g) and the gradient change |grad L(w - eta g) - g| for each step size eta.

    g is the gradient of ``loss`` over (X, y) at the model's parameters w, on the scalar
    engine in the model's current mode (in training mode a BatchNorm normalises with the
    batch, as during training). The model is left as it was: parameters, their grads
    and BatchNorm's running statistics. Compare a network with and without
    ``batchnorm=True``: the lecture's "smoother landscape" shows as a smaller
    ``loss_range`` and ``beta``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"loss_smoothness needs model to be an nn Module, got {type(model).__name__}")
    steps = np.asarray(list(steps) if not isinstance(steps, Real) else [steps], dtype=float)
    if steps.size == 0 or not np.all(np.isfinite(steps)) or not np.all(steps > 0):
        raise ValueError(f"steps must be step sizes > 0 (a list of numbers), got {steps.tolist()}")
    loss_fn = losses.get(loss)
    params = model.parameters()
    saved = model.state_dict()
    grads_before = [p.grad for p in params]

    def at(w):
        for p, value in zip(params, w.tolist()):
            p.data = value
        with autograd.gc_paused():
            value = loss_fn(model.forward_batch(X), y)
            if not isinstance(value, autograd.Value):
                raise TypeError(f"the loss function must return a Value, got {type(value).__name__}")
            return value.data, np.array(autograd.grad(value, params), dtype=float)

    try:
        w = np.array([p.data for p in params])
        start, g = at(w)
        found = [at(w - eta * g) for eta in steps]
    finally:
        model.load_state_dict(saved)
        for p, grad in zip(params, grads_before):
            p.grad = grad
    return Smoothness(
        steps,
        np.array([value for value, _ in found]),
        np.array([np.linalg.norm(grad - g) for _, grad in found]),
        start,
        float(np.linalg.norm(g)),
    )
