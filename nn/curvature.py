"""The curvature of the loss in the parameters: the largest Hessian eigenvalue, and the step-size rule.

Near a minimum the loss is about L* + 1/2 d^T H d (d the offset from the minimum). One
gradient-descent step multiplies d's part along an eigenvector of H by (1 - eta lambda),
so the steps shrink it only if |1 - eta lambda| < 1 for every eigenvalue: eta < 2 / lambda_max.
``curvature`` finds lambda_max by power iteration on Hessian-vector products
(``autograd.hvp_operator``: double backward), never building the Hessian.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

import autograd

from . import losses
from .module import Module


class Curvature(NamedTuple):
    """The largest Hessian eigenvalue of a loss, its unit eigenvector and the iterations it took.

    ``eigenvector`` follows the order of ``model.parameters()``; ``max_stable_lr`` is
    2 / eigenvalue, the step size above which gradient descent leaves the minimum.
    """

    eigenvalue: float
    eigenvector: np.ndarray
    iterations: int

    @property
    def max_stable_lr(self) -> float:
        return 2.0 / self.eigenvalue if self.eigenvalue > 0 else math.inf


def curvature(model: Module, X, y, loss="mse", iters: int = 100, seed=0, tol: float = 1e-10) -> Curvature:
    """The largest eigenvalue lambda_max of the Hessian of ``loss(model(X), y)`` in the parameters.

    Power iteration: start from a random unit vector v (``seed``), repeat v <- H v / |H v|;
    v turns towards the eigenvector of the eigenvalue largest in size, and v . H v tends to
    that eigenvalue (at a minimum every eigenvalue is >= 0, so it is lambda_max). Stops
    after ``iters`` products or when the estimate changes by less than ``tol`` (relative).
    Each product H v is one backward pass over the gradient's graph (double backward).
    The model is left as it was (parameters, their grads, BatchNorm's running statistics);
    it runs in its current mode. Gradient descent is stable near the minimum for
    lr < 2 / lambda_max (``result.max_stable_lr``).
    """
    if not isinstance(model, Module):
        raise TypeError(f"curvature needs model to be an nn Module, got {type(model).__name__}")
    if not isinstance(iters, Integral) or isinstance(iters, bool) or iters < 1:
        raise ValueError(f"iters must be a whole number >= 1, got {iters!r}")
    if not isinstance(tol, Real) or isinstance(tol, bool) or not tol >= 0.0:
        raise ValueError(f"tol must be a number >= 0, got {tol!r}")
    loss_fn = losses.get(loss)
    params = model.parameters()
    saved = model.state_dict()  # a BatchNorm in training mode updates its running statistics
    try:
        value = loss_fn(model.forward_batch(X), y)
        if not isinstance(value, autograd.Value):
            raise TypeError(f"the loss function must return a Value, got {type(value).__name__}")
        product = autograd.hvp_operator(value, params)
    finally:
        model.load_state_dict(saved)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(len(params))
    v /= np.linalg.norm(v)
    estimate = 0.0
    for i in range(1, iters + 1):
        hv = np.array(product(v.tolist()))
        new = float(v @ hv)
        size = float(np.linalg.norm(hv))
        if size == 0.0:
            return Curvature(0.0, v, i)  # H v = 0: v is in H's null space, and so may be every direction
        v = hv / size
        if abs(new - estimate) <= tol * abs(new):
            return Curvature(new, _signed(v), i)
        estimate = new
    return Curvature(estimate, _signed(v), iters)


def _signed(v: np.ndarray) -> np.ndarray:
    """One of the two unit eigenvectors +-v, always the same one: its largest entry is > 0.

    (For a negative eigenvalue H v / |H v| flips sign at every step.)
    """
    return v if v[np.argmax(np.abs(v))] >= 0 else -v
