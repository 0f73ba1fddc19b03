"""Checking arguments, one way for all of nn: each check returns the value or says what is wrong.

Every message names the argument, what was expected and what came:
``lr must be > 0, got -0.1``. Also here: the one rule for "is this target a set of class
labels" (``is_classification``), which fit, the batch tape and the pictures all follow.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def whole(n, name: str, minimum: int = 1) -> int:
    """``n`` as an int if it is a whole number >= ``minimum`` (True and False are not numbers)."""
    if not isinstance(n, Integral) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {n!r}")
    return int(n)


def number(x, name: str) -> float:
    """``x`` as a float if it is a finite real number."""
    if not isinstance(x, Real) or isinstance(x, bool) or not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return float(x)


def positive(x, name: str) -> float:
    """``x`` as a float if it is a finite number > 0."""
    x = number(x, name)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {x!r}")
    return x


def nonnegative(x, name: str) -> float:
    """``x`` as a float if it is a finite number >= 0."""
    x = number(x, name)
    if x < 0:
        raise ValueError(f"{name} must be >= 0, got {x!r}")
    return x


def between(x, name: str, low: float, high: float, open_low: bool = False, open_high: bool = False) -> float:
    """``x`` as a float if it lies in the interval from ``low`` to ``high`` (each end closed unless open)."""
    inside = isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(x)
    if inside:
        inside = (low < x if open_low else low <= x) and (x < high if open_high else x <= high)
    if not inside:
        interval = f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        raise ValueError(f"{name} must be a number in {interval}, got {x!r}")
    return float(x)


def probability(x, name: str) -> float:
    """``x`` as a float if it is a number in [0, 1] (a probability, a fraction, a decay factor)."""
    return between(x, name, 0.0, 1.0)


def lookup(table: dict, name, what: str, functions_too: bool = False):
    """``table[name]``, or a ValueError that names ``what`` and lists the valid names.

    The choice of a name: activations, inits, losses, optimisers, schedules, data sets.
    With ``functions_too``, a function passed instead of a name is returned as it is.
    """
    if functions_too and callable(name):
        return name
    if not isinstance(name, str) or name not in table:
        also = " (or a function)" if functions_too else ""
        raise ValueError(f"unknown {what} {name!r}; expected one of: {', '.join(table)}{also}")
    return table[name]


def is_classification(y, n_outputs: int) -> bool:
    """Whether ``y`` holds class labels a model with ``n_outputs`` outputs scores, not regression targets.

    Class labels are one whole number per example (a 1-D y), each naming one of the
    model's classes: one output scores two classes, 0 and 1 (or -1 and +1, the hinge
    loss's convention; the two conventions are not mixed); k >= 2 outputs score the
    classes 0 .. k-1 (cross-entropy's class indices). Anything else is a regression target.
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "biuf":
        return False
    labels = set(np.unique(y).tolist())
    if n_outputs == 1:
        return labels <= {0, 1} or labels <= {-1, 1}
    return labels <= set(range(n_outputs))
