"""Dropout: in training, each unit is kept with probability 1 - p and scaled by 1 / (1 - p).

y_i = m_i x_i / (1 - p), m_i ~ Bernoulli(1 - p), a new mask for every example at every
pass ("inverted" dropout: the scaling happens in training, so E[y_i] = x_i and evaluation
mode is the identity). A network cannot rely on any one unit, which works against
memorising: the lecture's regulariser.
"""

from __future__ import annotations

from contextlib import contextmanager
from numbers import Real

import numpy as np

import autograd

from .checks import whole
from .module import Module


class Dropout(Module):
    """Dropout of ``n`` units with drop probability ``p``: y = m x / (1 - p) in training, y = x in evaluation.

    ``m`` is 0 (dropped, probability p) or 1 for each unit of each example, drawn anew at
    every forward pass in training mode from the module's own generator (``seed``: the
    same seed gives the same masks in the same order). The dropped units' outputs are
    x * 0, so their gradient is 0; the kept ones carry gradient / (1 - p). ``n`` (the
    width, as every module knows its ``nin`` and ``nout``) is needed to check inputs and
    to save the model; ``MLP(..., dropout=p)`` sets it. The generator's position is not
    saved: a loaded model draws its masks from ``seed`` again.

    On the batch tape the mask is an INPUT of the traced graph: one more input column per
    unit, drawn for every example from this same generator (``draw_masks``) at every
    step, so the replay is exact and a seeded run draws the same masks on either engine.
    """

    kind = "dropout"

    def __init__(self, p, n, seed=None):
        super().__init__()
        if not isinstance(p, Real) or isinstance(p, bool) or not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout's p (the probability of dropping a unit) must be in [0, 1), got {p!r}")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"Dropout's n (the number of units) must be a whole number >= 1, got {n!r}")
        self.p = float(p)
        self.nin = self.nout = n
        self.seed = seed if isinstance(seed, int) else None
        self.rng = np.random.default_rng(seed)
        self.given = None  # masks to use instead of drawing (``given_masks``): numbers or Values
        self._name_parts()

    def mask_width(self) -> int:
        """How many random numbers it draws per example in its current mode: n in training, else 0."""
        return self.nin if self.training and self.p > 0.0 else 0

    def draw_masks(self, n: int, rng: np.random.Generator | None = None) -> np.ndarray:
        """The next masks for n examples, already scaled: m / (1 - p), shape (n, width), m ~ Bernoulli(1 - p).

        Drawn from the module's generator, exactly as a forward pass in training mode
        draws them (a pass would have used these), or from ``rng`` if given (the
        module's generator is then left alone).
        """
        keep = (self.rng if rng is None else rng).random((n, self.nin)) >= self.p
        return keep * (1.0 / (1.0 - self.p))

    def _forward_many(self, rows, trace=None):
        if not self.mask_width():
            return rows
        scale = self.draw_masks(len(rows)).tolist() if self.given is None else self.given
        if len(scale) != len(rows):
            given = f"masks for {len(scale)} examples"
            raise ValueError(f"Dropout {self.scope_name!r} was given {given}, but the batch has {len(rows)}")
        with autograd.scope(self.scope_name, kind="dropout"):
            return [[x * s for x, s in zip(xs, row)] for xs, row in zip(rows, scale)]

    def config(self):
        return {"p": self.p, "n": self.nin, "seed": self.seed}

    @classmethod
    def state_size(cls, config):
        """0: dropout has no parameters and keeps no statistics."""
        whole(config.get("n"), "n")
        return 0


@contextmanager
def given_masks(masks: dict):
    """Inside the block, each Dropout of ``masks`` multiplies by its given masks instead of drawing.

    ``masks`` maps a Dropout to its scaled masks, one row per example of the batch (numbers,
    or Values: the batch tape hands in the inputs of its trace). The draws are left
    alone, so the generators are where they were.
    """
    for dropout, rows in masks.items():
        dropout.given = rows
    try:
        yield
    finally:
        for dropout in masks:
            dropout.given = None
