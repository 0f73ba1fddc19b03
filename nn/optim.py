"""Optimisers: how parameters move once backward has filled in their gradients.

``step()`` updates every parameter from its ``grad``; ``zero_grad()`` sets the grads
back to 0 (they accumulate otherwise). ``lr`` is the current learning rate (a schedule
changes it), ``base_lr`` the one the optimiser was made with. A step that would make a
parameter inf or NaN raises FloatingPointError and changes nothing.
"""

from __future__ import annotations

import math

from autograd import Value

from .checks import between, lookup, nonnegative, positive, probability


class Optimizer:
    """What SGD and Adam share: the parameters, the learning rate, zero_grad."""

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} needs at least one parameter, got none")
        for p in self.params:
            if not isinstance(p, Value):
                who = type(self).__name__
                raise TypeError(f"{who} needs Values to optimise, got {type(p).__name__} {p!r}")
        self.lr = self.base_lr = positive(lr, "lr")

    def zero_grad(self):
        """Set every parameter's grad to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self):
        """Move every parameter once, using its grad."""
        new = self._updates()
        total = sum(new)  # one pass in C: inf or nan if any new value is (or if the sum overflows)
        if total - total != 0.0:
            for p, x in zip(self.params, new):
                if not math.isfinite(x):
                    raise FloatingPointError(
                        f"{type(self).__name__} step would set {p.label or 'a parameter'} to {x!r} "
                        f"(grad {p.grad!r}, lr {self.lr!r}): the learning rate is probably too large"
                    )
        self._commit()
        for p, x in zip(self.params, new):
            p.data = x

    def _updates(self) -> list[float]:
        raise NotImplementedError

    def _commit(self):
        """Keep the optimiser's own state of the step just checked (momentum, moments)."""

    def __repr__(self):
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Gradient descent: p <- p - lr * v, with v = momentum * v + (grad + weight_decay * p).

    With momentum 0 and no weight decay this is the lecture's p <- p - lr * dL/dp.
    ``weight_decay`` adds the gradient of the penalty (weight_decay / 2) * p^2.
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = probability(momentum, "momentum")
        self.weight_decay = nonnegative(weight_decay, "weight_decay")
        self.velocity = [0.0] * len(self.params)

    def _updates(self):
        mu, wd, lr = self.momentum, self.weight_decay, self.lr
        if mu == 0.0 and wd == 0.0:  # the lecture's step: v is the gradient itself
            self._next = [p.grad for p in self.params]
        else:
            self._next = [mu * v + p.grad + wd * p.data for p, v in zip(self.params, self.velocity)]
        return [p.data - lr * v for p, v in zip(self.params, self._next)]

    def _commit(self):
        self.velocity = self._next


class Adam(Optimizer):
    """Adam: a step lr * m_hat / (sqrt(v_hat) + eps) per parameter, from running moments of its grad.

    m = b1 m + (1 - b1) g and v = b2 v + (1 - b2) g^2, bias-corrected as
    m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t) at step t: every parameter takes
    steps of about lr, whatever the scale of its gradient.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        b1, b2 = betas
        self.betas = (
            between(b1, "betas[0]", 0.0, 1.0, open_high=True),
            between(b2, "betas[1]", 0.0, 1.0, open_high=True),
        )
        self.eps = positive(eps, "eps")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0

    def _updates(self):
        b1, b2 = self.betas
        t = self.t + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        grads = [p.grad for p in self.params]
        self._next = (
            t,
            [b1 * m + (1.0 - b1) * g for m, g in zip(self.m, grads)],
            [b2 * v + (1.0 - b2) * g * g for v, g in zip(self.v, grads)],
        )
        lr, eps = self.lr, self.eps
        return [
            p.data - lr * (m / c1) / (math.sqrt(v / c2) + eps)
            for p, m, v in zip(self.params, self._next[1], self._next[2])
        ]

    def _commit(self):
        self.t, self.m, self.v = self._next


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
"""The optimisers by the names ``nn.fit`` accepts."""

DEFAULT_LR = {"sgd": 0.1, "adam": 0.01}
"""The learning rate ``nn.fit`` uses for an optimiser given by name without ``lr``."""


def make(name: str, params, lr=None) -> Optimizer:
    """The optimiser called ``name`` over ``params`` (``lr`` defaults to DEFAULT_LR[name])."""
    return lookup(OPTIMIZERS, name, "optimizer")(params, lr=DEFAULT_LR[name] if lr is None else lr)
