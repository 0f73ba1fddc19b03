"""Dropout: in training, each unit is kept with probability 1 - p and scaled by 1 / (1 - p).

y_i = m_i x_i / (1 - p), m_i ~ Bernoulli(1 - p), a new mask for every example at every
pass ("inverted" dropout: the scaling happens in training, so E[y_i] = x_i and evaluation
mode is the identity). A network cannot rely on any one unit, which works against
memorising: the lecture's regulariser.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

import autograd

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

    The batch tape replays one traced graph, which would hold one fixed mask, so a model
    with a Dropout in training mode trains on the scalar engine (``History.engine_reason``
    says so); in evaluation mode (``predict``, validation) it is the identity and traces.
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
        self._name_parts()

    def couples_examples(self) -> str | None:
        """In training mode, why the batch tape cannot run it: its masks are random (None in evaluation)."""
        if not self.training or self.p == 0.0:
            return None
        where = f" {self.name!r}" if self.name else ""
        return (
            f"Dropout{where} is in training mode: it draws a new random mask for every example at every "
            "step, and a traced graph would replay one fixed mask (masks as inputs of the trace are not "
            "implemented yet)"
        )

    def _forward_many(self, rows, trace=None):
        if not self.training or self.p == 0.0:
            return rows
        keep = self.rng.random((len(rows), self.nin)) >= self.p
        scale = keep * (1.0 / (1.0 - self.p))
        with autograd.scope(self.scope_name, kind="dropout"):
            return [[x * s for x, s in zip(xs, row)] for xs, row in zip(rows, scale.tolist())]

    def config(self):
        return {"p": self.p, "n": self.nin, "seed": self.seed}
