"""The polynomial embedding phi(x) = (1, x, x^2, ..., x^n): a linear model on phi(x) fits a polynomial.

A linear model can only draw straight lines; on the features phi(x) it draws any
polynomial curve of degree n, and it is still linear in its weights (the lecture's
embeddings, of which the Playground's x1², x2², x1·x2 are the degree-2 case).
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from numbers import Integral

import numpy as np


def polynomial_features(X, degree: int, interactions: bool = True):
    """The design matrix Phi of the monomials of X's inputs up to ``degree``, and their names.

    Returns ``(Phi, names)``: Phi has shape (n, len(names)), its first column the constant
    1. X is (n,) for one input x, giving phi(x) = (1, x, x^2, ..., x^degree), or (n, d).
    With ``interactions=True`` (the default) every monomial x1^a x2^b ... with
    a + b + ... <= degree is a column, lowest degree first: for two inputs and degree 2,
    (1, x1, x2, x1², x1·x2, x2²). With ``interactions=False`` each input gets its own
    powers, (1, x1, ..., x1^n, x2, ..., x2^n). The names follow ``nn.data.FEATURES``
    (``x1``, ``x1_sq``, ``x1_x2``), with ``x1_pow3`` and up for higher powers and "1" for
    the constant, so ``nn.data.features(X, ["x1_sq"])`` gives the column named "x1_sq".
    """
    if not isinstance(degree, Integral) or isinstance(degree, bool) or degree < 1:
        raise ValueError(f"degree must be a whole number >= 1, got {degree!r}")
    if not isinstance(interactions, bool):
        raise TypeError(f"interactions must be True or False, got {interactions!r}")
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] < 1 or len(X) == 0:
        raise ValueError(f"polynomial_features needs X of shape (n,) or (n, d), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("polynomial_features needs finite inputs, got a NaN or infinity in X")
    d = X.shape[1]
    if interactions:
        terms = [c for k in range(1, degree + 1) for c in combinations_with_replacement(range(d), k)]
    else:
        terms = [(j,) * k for j in range(d) for k in range(1, degree + 1)]
    columns = [np.ones(len(X))] + [np.prod(X[:, list(t)], axis=1) for t in terms]
    return np.column_stack(columns), ["1"] + [_name(t) for t in terms]


def _name(term: tuple[int, ...]) -> str:
    """(0, 0, 1) -> "x1_sq_x2": each input's power, inputs counted from 1."""
    parts = []
    for j in sorted(set(term)):
        power = term.count(j)
        parts.append(f"x{j + 1}" + {1: "", 2: "_sq"}.get(power, f"_pow{power}"))
    return "_".join(parts)
