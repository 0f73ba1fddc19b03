"""Data sets and input features: TensorFlow Playground's, scikit-learn's moons, and the lecture's.

Every generator is ``name(n=500, noise=0.0, seed=0) -> (X, y)``: X a float array of shape
(n, 2), y an int array of 0/1 labels (floats for the regression sets). They follow the
Playground's generators (``src/dataset.ts``) step by step, with the Playground's labels
+1 / -1 written as 1 / 0 and a seeded numpy Generator in place of ``Math.random``. The
points come in the order the generator makes them (for most sets one class, then the
other); ``train_test_split`` shuffles. ``noise`` must be in [0, 0.5], the Playground's
slider range (0 % to 50 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .checks import between, lookup, whole
from .init import as_rng

TWO_PI = 2.0 * math.pi


def spiral(n=500, noise=0.0, seed=0):
    """Two interleaved spirals, the Playground's hardest set.

    For each class, m = n/2 points: r = 5 i/m, t = 1.75 * 2 pi * i/m + dt,
    x1 = r sin t + noise * U(-1, 1), x2 = r cos t + noise * U(-1, 1), with dt = 0 for
    class 1 and dt = pi for class 0. (For an odd n the first class gets the extra point.)
    """
    n, noise, rng = _check(n, noise, seed)
    X, y = [], []
    for label, dt, m in ((1, 0.0, n - n // 2), (0, math.pi, n // 2)):
        i = np.arange(m)
        r = 5.0 * i / m
        t = 1.75 * TWO_PI * i / m + dt
        jitter = rng.uniform(-1.0, 1.0, (m, 2)) * noise
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter)
        y.append(np.full(m, label))
    return np.concatenate(X), np.concatenate(y).astype(int)


def circle(n=500, noise=0.0, seed=0):
    """A disc inside a ring: radius R = 5, class 1 inside R/2.

    n/2 points at radius U(0, R/2) and n/2 at U(0.7 R, R), angle U(0, 2 pi),
    x1 = r sin(angle), x2 = r cos(angle). The label is whether the point moved by
    (U(-R, R) noise, U(-R, R) noise) lies within R/2, so noise flips labels near the border.
    """
    n, noise, rng = _check(n, noise, seed)
    radius = 5.0
    X = []
    for low, high, m in ((0.0, 0.5 * radius, n - n // 2), (0.7 * radius, radius, n // 2)):
        r = rng.uniform(low, high, m)
        angle = rng.uniform(0.0, TWO_PI, m)
        X.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
    X = np.concatenate(X)
    moved = X + rng.uniform(-radius, radius, X.shape) * noise
    y = (np.hypot(moved[:, 0], moved[:, 1]) < 0.5 * radius).astype(int)
    return X, y


def xor(n=500, noise=0.0, seed=0):
    """Four squares: x1, x2 ~ U(-5, 5) pushed 0.3 away from 0; class 1 where x1 * x2 >= 0.

    The label is read at the point moved by (U(-5, 5) noise, U(-5, 5) noise).
    """
    n, noise, rng = _check(n, noise, seed)
    X = rng.uniform(-5.0, 5.0, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    moved = X + rng.uniform(-5.0, 5.0, X.shape) * noise
    y = (moved[:, 0] * moved[:, 1] >= 0).astype(int)
    return X, y


def gauss(n=500, noise=0.0, seed=0):
    """Two Gaussian clouds: class 1 around (2, 2), class 0 around (-2, -2).

    Each coordinate is normal with variance 0.5 + 7 noise (0.5 to 4 over the noise range).
    """
    n, noise, rng = _check(n, noise, seed)
    sd = math.sqrt(0.5 + 7.0 * noise)
    X, y = [], []
    for label, centre, m in ((1, 2.0, n - n // 2), (0, -2.0, n // 2)):
        X.append(rng.normal(centre, sd, (m, 2)))
        y.append(np.full(m, label))
    return np.concatenate(X), np.concatenate(y).astype(int)


def moons(n=500, noise=0.0, seed=0):
    """Two interleaving half circles, as scikit-learn's ``make_moons`` (micrograd's demo set).

    The upper moon (class 0) is (cos a, sin a) and the lower one (class 1)
    (1 - cos a, 1/2 - sin a) for a evenly spaced over [0, pi]; each coordinate then gets
    N(0, noise^2) noise. Like make_moons the points are shuffled.
    """
    n, noise, rng = _check(n, noise, seed)
    n_out = n // 2
    n_in = n - n_out
    a_out = np.linspace(0.0, math.pi, n_out)
    a_in = np.linspace(0.0, math.pi, n_in)
    upper = np.column_stack([np.cos(a_out), np.sin(a_out)])
    lower = np.column_stack([1.0 - np.cos(a_in), 0.5 - np.sin(a_in)])
    X = np.concatenate([upper, lower])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    order = rng.permutation(n)
    X, y = X[order], y[order]
    return X + rng.normal(0.0, noise, X.shape), y


def plane(n=500, noise=0.0, seed=0):
    """The Playground's plane regression set: x1, x2 ~ U(-6, 6), y = (x1 + x2) / 10.

    y is read at the point moved by (U(-6, 6) noise, U(-6, 6) noise); it is a float in
    about [-1.2, 1.2].
    """
    n, noise, rng = _check(n, noise, seed)
    X = rng.uniform(-6.0, 6.0, (n, 2))
    moved = X + rng.uniform(-6.0, 6.0, X.shape) * noise
    return X, (moved[:, 0] + moved[:, 1]) / 10.0


SIX_GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))
"""The centres and signs of the Playground's six-Gaussians regression set."""


def six_gaussians(n=500, noise=0.0, seed=0):
    """The Playground's six-Gaussians regression set: bumps of height +1 or -1 on a 3 x 2 grid.

    x1, x2 ~ U(-6, 6); each bump gives sign * max(0, 1 - d/2) at distance d from its
    centre, and y is the one largest in absolute value (read at the point moved by
    (U(-6, 6) noise, U(-6, 6) noise)): a float in [-1, 1].
    """
    n, noise, rng = _check(n, noise, seed)
    X = rng.uniform(-6.0, 6.0, (n, 2))
    moved = X + rng.uniform(-6.0, 6.0, X.shape) * noise
    y = np.zeros(n)
    for cx, cy, sign in SIX_GAUSSIANS:
        d = np.hypot(moved[:, 0] - cx, moved[:, 1] - cy)
        bump = sign * np.clip(1.0 - d / 2.0, 0.0, 1.0)
        y = np.where(np.abs(bump) > np.abs(y), bump, y)
    return X, y


DATASETS = {
    "spiral": spiral,
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "moons": moons,
    "plane": plane,
    "six_gaussians": six_gaussians,
}
"""Every data set's generator by name."""

REGRESSION = frozenset({"plane", "six_gaussians"})
"""The data sets whose targets are floats (train them with the "mse" loss)."""


def generate(name: str, n=500, noise=0.0, seed=0):
    """The data set called ``name``: ``DATASETS[name](n, noise, seed)``."""
    return lookup(DATASETS, name, "data set")(n, noise, seed)


@dataclass(frozen=True)
class Feature:
    """An input feature computed from (x1, x2): its name, its formula as text, and how."""

    name: str
    formula: str
    compute: object  # (x1 array, x2 array) -> array


def _theta(x1, x2):
    # atan2(x1, x2), not atan2(x2, x1): the Playground draws its spiral with x1 = r sin t and
    # x2 = r cos t, so this is the angle t itself, and theta - 2 r is nearly constant along an arm.
    return np.arctan2(x1, x2)


def _spiral(x1, x2):
    return np.mod(_theta(x1, x2) - 2.0 * np.hypot(x1, x2), TWO_PI)


FEATURES = {
    f.name: f
    for f in (
        Feature("x1", "x1", lambda x1, x2: x1),
        Feature("x2", "x2", lambda x1, x2: x2),
        Feature("x1_sq", "x1²", lambda x1, x2: x1 * x1),
        Feature("x2_sq", "x2²", lambda x1, x2: x2 * x2),
        Feature("x1_x2", "x1·x2", lambda x1, x2: x1 * x2),
        Feature("sin_x1", "sin(x1)", lambda x1, x2: np.sin(x1)),
        Feature("sin_x2", "sin(x2)", lambda x1, x2: np.sin(x2)),
        Feature("r", "r = √(x1² + x2²)", lambda x1, x2: np.hypot(x1, x2)),
        Feature("theta", "θ = atan2(x1, x2)", _theta),
        Feature("spiral", "(θ − 2r) mod 2π", lambda x1, x2: _spiral(x1, x2)),
    )
}
"""The input features by name, in the Playground's order, then the lecture's r, theta, spiral."""


def features(X, names):
    """The features called ``names`` of the points X (n, 2), as an array of shape (n, len(names)).

    The Playground's x1, x2, x1_sq, x2_sq, x1_x2, sin_x1, sin_x2, and the lecture's
    r = sqrt(x1^2 + x2^2), theta and spiral = (theta - 2r) mod 2 pi. theta is
    atan2(x1, x2), with the arguments swapped from the usual atan2(x2, x1), because the
    Playground draws its spiral as x1 = r sin t, x2 = r cos t: so theta = t, and along an
    arm t grows by 1.75 * 2 pi over r in [0, 5], i.e. t - 0.7 pi r is constant; theta - 2r
    is close enough that each arm stays inside a band of width 1 (class 1 in [0, 1],
    class 0 in [pi, pi + 1]), and one straight line separates them.
    With noise, points near the centre (small r, where the angle swings widely) wrap
    around 2 pi and land in the other class's band: a linear model on (r, spiral) then
    misses a few (about 95-96% accuracy at noise 0.1). ``names`` is a list of names or one
    string "r,spiral".
    """
    if isinstance(names, str):
        names = [s.strip() for s in names.split(",") if s.strip()]
    names = list(names)
    if not names:
        raise ValueError(f"features needs at least one name; expected some of: {', '.join(FEATURES)}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        names_given = ", ".join(map(repr, unknown))
        raise ValueError(f"unknown feature(s) {names_given}; expected some of: {', '.join(FEATURES)}")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"features needs points of shape (n, 2), got {X.shape}")
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[n].compute(x1, x2) for n in names])


def train_test_split(X, y, test_size=0.25, seed=0):
    """Shuffle, then split: (X_train, X_test, y_train, y_test), as scikit-learn returns them.

    ``test_size`` is the fraction of points held out, in (0, 1); both parts get at least one point.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y need the same number of points, got {len(X)} and {len(y)}")
    between(test_size, "test_size", 0.0, 1.0, open_low=True, open_high=True)
    if len(X) < 2:
        raise ValueError(f"train_test_split needs at least 2 points, got {len(X)}")
    n_test = min(max(1, round(test_size * len(X))), len(X) - 1)
    order = as_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def random_labels(n, classes=2, seed=0):
    """n labels drawn uniformly from 0 .. classes-1: nothing to learn, everything to memorise."""
    n, classes = whole(n, "n"), whole(classes, "classes", minimum=2)
    return as_rng(seed).integers(0, classes, n)


def _check(n, noise, seed):
    n = whole(n, "n (the number of points)")
    noise = between(noise, "noise (the Playground's 0% to 50%)", 0.0, 0.5)
    return n, noise, as_rng(seed)


from .playground_config import PlaygroundConfig, playground_config  # noqa: E402,F401  (the Playground links)
