"""Weight initialisation by name, seeded and reproducible.

Each rule draws the weights of one neuron, ``rule(fan_in, fan_out, rng, size)``, from a
``numpy.random.Generator``, so the same seed always gives the same network:

- "kaiming": w ~ N(0, 2 / fan_in), the lecture's rule for ReLU networks: it keeps the
  mean square of the pre-activations the same from layer to layer;
- "xavier": w ~ N(0, 2 / (fan_in + fan_out)), Glorot's rule for tanh and sigmoid;
- "uniform": w ~ U(-1, 1), micrograd's;
- "zeros": w = 0 (every neuron of a layer then stays identical: a lesson, not a choice).

Biases always start at 0. ``init`` may also be a function with the same signature.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from .checks import lookup


def kaiming(fan_in, fan_out, rng, size):
    """w ~ N(0, 2 / fan_in)."""
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size)


def xavier(fan_in, fan_out, rng, size):
    """w ~ N(0, 2 / (fan_in + fan_out))."""
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size)


def uniform(fan_in, fan_out, rng, size):
    """w ~ U(-1, 1), as micrograd draws its weights."""
    return rng.uniform(-1.0, 1.0, size)


def zeros(fan_in, fan_out, rng, size):
    """w = 0."""
    return np.zeros(size)


INITS = {"kaiming": kaiming, "xavier": xavier, "uniform": uniform, "zeros": zeros}
"""Each initialisation rule's name and function."""


def get(init):
    """The rule called ``init`` (or ``init`` itself if it is a function)."""
    return lookup(INITS, init, "init", functions_too=True)


def name_of(init) -> str:
    """The name to record for ``init`` in a saved model's configuration."""
    return init if isinstance(init, str) else getattr(init, "__name__", "custom")


def draw(init, fan_in: int, fan_out: int, rng, size: int) -> list[float]:
    """``size`` weights from the rule ``init``, as Python floats (checked finite)."""
    values = np.asarray(get(init)(fan_in, fan_out, rng, size), dtype=float).reshape(-1)
    if values.shape != (size,) or not np.all(np.isfinite(values)):
        raise ValueError(f"init {name_of(init)!r} must give {size} finite numbers, got {values!r}")
    return values.tolist()


def as_rng(seed) -> np.random.Generator:
    """A numpy Generator from a seed: None (fresh entropy), an int, or a Generator itself."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be None, an int or a numpy Generator, got {type(seed).__name__} {seed!r}")
