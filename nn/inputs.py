"""Turning what a user passes as inputs into what a model computes on, with clear errors.

A model's input rows become lists of Values (numbers become Constant leaves, Values are
kept); a training set (X, y) becomes numpy arrays checked for shape and finiteness.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from autograd import Constant, Value


def as_row(x, nin: int, who: str) -> list[Value]:
    """One example as a list of Values: numbers become Constant leaves, Values are kept."""
    if isinstance(x, (Value, Real)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} takes one example, a sequence of {nin} numbers; got {type(x).__name__} {x!r}")
    if len(x) != nin:
        batch = len(x) and hasattr(x[0], "__len__")
        hint = " (for a batch of examples use forward_batch or predict)" if batch else ""
        raise ValueError(f"{who} expects {nin} inputs per example, got {len(x)}{hint}")
    return [_as_number(v, f"input {i}") for i, v in enumerate(x)]


def as_rows(X, nin: int, who: str) -> list[list[Value]]:
    """A batch as lists of Values; a numeric array is checked in one go (shape, finiteness)."""
    if isinstance(X, np.ndarray) and X.dtype.kind in "biuf":
        if X.ndim == 1 and nin == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != nin:
            raise ValueError(f"{who} expects inputs of shape (n, {nin}), got an array of shape {X.shape}")
        bad = np.argwhere(~np.isfinite(X))
        if len(bad):
            i, j = bad[0]
            raise ValueError(f"input row {i}, column {j} is {X[i, j]!r}: inputs must be finite numbers")
        rows = X.astype(float).tolist()
        return _nonempty([[Constant(v) for v in row] for row in rows], who)
    rows = []
    for i, x in enumerate(X):
        if nin == 1 and isinstance(x, (Value, Real)):
            x = [x]  # a 1-D batch for a one-input model
        try:
            rows.append(as_row(x, nin, who))
        except (TypeError, ValueError) as error:
            raise type(error)(f"example {i}: {error}") from None
    return _nonempty(rows, who)


def as_dataset(X, y, nin: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) as arrays: X of shape (n, nin) with n >= 1, one target per row, all finite."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim == 1 and nin == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != nin:
        raise ValueError(f"{what}: the model expects inputs of shape (n, {nin}), got {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{what}: no examples")
    if len(y) != len(X):
        raise ValueError(f"{what}: {len(X)} examples in X but {len(y)} targets in y")
    if not np.all(np.isfinite(X)) or not np.all(np.isfinite(y.astype(float))):
        raise ValueError(f"{what}: inputs and targets must be finite numbers")
    return X, y


def _as_number(v, where: str):
    if isinstance(v, Value):
        return v
    if not isinstance(v, Real) or isinstance(v, bool):
        raise TypeError(f"{where} must be a number or a Value, got {type(v).__name__} {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"{where} is {v!r}: inputs must be finite numbers")
    return Constant(v)


def _nonempty(rows, who):
    if not rows:
        raise ValueError(f"{who} got no examples")
    return rows
