"""Learning-rate schedules: the rate for each epoch, from the optimiser's starting rate.

A schedule is called as ``schedule(base_lr, epoch)`` (epochs count from 0) and returns
that epoch's rate; ``nn.fit`` sets ``optimizer.lr`` to it at the start of every epoch,
so the current rate is ``optimizer.lr`` (and ``history.lr`` records it). Any function
``(base_lr, epoch) -> rate`` works as a schedule too.
"""

from __future__ import annotations

import math

from .checks import lookup, probability, whole


class Schedule:
    """A learning rate per epoch; ``rates(base_lr, n)`` lists the first n (for a plot)."""

    def __call__(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError

    def rates(self, base_lr: float, n: int) -> list[float]:
        """The rates of epochs 0 .. n-1."""
        return [self(base_lr, e) for e in range(n)]

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class StepDecay(Schedule):
    """The lecture's "decrease in multiple steps": rate = base * gamma ** (epoch // every)."""

    def __init__(self, every: int, gamma: float = 0.1):
        self.every = whole(every, "every")
        self.gamma = probability(gamma, "gamma")

    def __call__(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.every)


class LinearDecay(Schedule):
    """A straight line from base down to base * end_factor over ``epochs`` epochs, then flat.

    rate = base * (1 - (1 - end_factor) * min(epoch, epochs) / epochs). micrograd's demo,
    lr = 1.0 - 0.9 k / 100, is ``LinearDecay(100, end_factor=0.1)`` with base 1.0.
    """

    def __init__(self, epochs: int, end_factor: float = 0.0):
        self.epochs = whole(epochs, "epochs")
        self.end_factor = probability(end_factor, "end_factor")

    def __call__(self, base_lr, epoch):
        return base_lr * (1.0 - (1.0 - self.end_factor) * min(epoch, self.epochs) / self.epochs)


class CosineDecay(Schedule):
    """Half a cosine from base down to base * end_factor over ``epochs`` epochs, then flat.

    rate = end + (base - end) (1 + cos(pi min(epoch, epochs) / epochs)) / 2, end = base * end_factor.
    """

    def __init__(self, epochs: int, end_factor: float = 0.0):
        self.epochs = whole(epochs, "epochs")
        self.end_factor = probability(end_factor, "end_factor")

    def __call__(self, base_lr, epoch):
        end = base_lr * self.end_factor
        return end + (base_lr - end) * 0.5 * (1.0 + math.cos(math.pi * min(epoch, self.epochs) / self.epochs))


SCHEDULES = {"step": StepDecay, "linear": LinearDecay, "cosine": CosineDecay}
"""The schedules by name (each class takes its own arguments)."""


def make(name: str, **kwargs) -> Schedule:
    """The schedule called ``name``, e.g. ``make("step", every=100, gamma=0.5)``."""
    return lookup(SCHEDULES, name, "schedule")(**kwargs)
