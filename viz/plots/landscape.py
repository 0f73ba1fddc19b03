"""The loss around the trained weights, along random directions: flat and sharp minima."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import autograd
import nn


def neuron_directions(model: nn.Module, rng) -> dict:
    """A random direction in weight space, normalised per neuron: {weight Parameter: step}.

    Each neuron's part of the direction is a Gaussian vector scaled to the length of the
    neuron's own weight vector (Li et al., 2018, "Visualizing the loss landscape of
    neural nets"), so a step of 1 changes every neuron by as much as it weighs: the
    picture does not depend on how the weights happen to be scaled. Biases and batch
    norm's parameters do not move.
    """
    direction = {}
    for _, module in model.named_modules():
        if isinstance(module, nn.Neuron):
            w = np.array([p.data for p in module.w])
            d = rng.normal(size=len(w))
            d *= np.linalg.norm(w) / max(np.linalg.norm(d), 1e-12)
            direction.update(zip(module.w, d.tolist()))
    if not direction:
        raise ValueError(f"plot_loss_landscape: {type(model).__name__} has no neurons to move")
    return direction


def plot_loss_landscape(
    model: nn.Module,
    X,
    y,
    loss="bce",
    dims: int = 1,
    ax=None,
    span: float = 1.0,
    steps=None,
    seed=0,
    label=None,
    color=None,
    vmax=None,
):
    """The loss at theta + a d (dims=1), or theta + a d + b e (dims=2), around the trained weights theta.

    The lecture's flat vs sharp minima: in a flat minimum the loss stays low over a
    wide range of a (small changes of the weights do not matter, and the network tends
    to generalise); in a sharp one it shoots up. d and e are random directions
    normalised per neuron (``neuron_directions``), a and b run over [-span, span] in
    ``steps`` steps (41 for a line, 21 x 21 for a surface). ``loss`` is a name from
    ``nn.LOSSES`` or a loss function. The model's weights are put back exactly
    afterwards. To compare minima on one picture: for a line, draw several models on the
    same ``ax`` with a ``label`` and ``color`` each; for surfaces, give every panel the same
    ``vmax`` (the top of the colour scale). Returns the axes.
    """
    if dims not in (1, 2):
        raise ValueError(f"dims must be 1 (a line) or 2 (a surface), got {dims!r}")
    if not (isinstance(span, (int, float)) and span > 0):
        raise ValueError(f"span must be a number > 0, got {span!r}")
    steps = (41 if dims == 1 else 21) if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 3:
        raise ValueError(f"steps must be a whole number >= 3, got {steps!r}")
    loss_fn = nn.losses.get(loss)
    X = np.asarray(X, dtype=float)
    rng = nn.init.as_rng(seed)
    directions = [neuron_directions(model, rng) for _ in range(dims)]
    a = np.linspace(-span, span, steps)
    saved = model.state_dict()
    try:
        if dims == 1:
            losses = np.array([_loss_at(model, X, y, loss_fn, directions, (t,)) for t in a])
        else:
            losses = np.array([[_loss_at(model, X, y, loss_fn, directions, (s, t)) for s in a] for t in a])
    finally:
        model.load_state_dict(saved)
    if ax is None:
        ax = plt.figure(figsize=(5.5, 4.2) if dims == 1 else (5.5, 4.8), layout="constrained").add_subplot()
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", "loss")
    if dims == 1:
        ax.plot(a, losses, color=color or "#222222", linewidth=2, label=label)
        dot = "trained weights" if label is None else None  # a labelled curve names its own minimum
        ax.plot([0.0], [losses[steps // 2]], "o", color="#d62728", label=dot)
        ax.set_xlabel("step a along a random direction d (per-neuron normalised)")
        ax.set_ylabel(f"{name} loss")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=9)
    else:
        if vmax is None:
            filled = ax.contourf(a, a, losses, levels=20, cmap="viridis")
        else:
            filled = ax.contourf(
                a, a, losses, levels=np.linspace(0.0, vmax, 21), cmap="viridis", extend="max"
            )
        ax.contour(a, a, losses, levels=filled.levels[::2], colors="white", linewidths=0.5, alpha=0.6)
        ax.figure.colorbar(filled, ax=ax, label=f"{name} loss")
        ax.plot([0.0], [0.0], "o", color="#d62728", label="trained weights")
        ax.set_xlabel("a (direction d)")
        ax.set_ylabel("b (direction e)")
        ax.set_aspect("equal")
        ax.legend(fontsize=9, loc="upper right")
    ax.set_title("loss landscape around the trained weights")
    return ax


def _loss_at(model, X, y, loss_fn, directions, amounts) -> float:
    """The loss with every weight moved to theta + sum of amount * direction (biases stay)."""
    base = {p: p.data for p in directions[0]}
    for p in base:
        p.data = base[p] + sum(amount * direction[p] for direction, amount in zip(directions, amounts))
    try:
        out = model.predict(X)
    finally:
        for p, value in base.items():
            p.data = value
    rows = out.reshape(len(X), -1).tolist()
    with autograd.no_grad():
        return loss_fn([[autograd.Constant(v) for v in row] for row in rows], y).data
