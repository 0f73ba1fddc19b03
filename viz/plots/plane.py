"""The input plane (x1, x2): a grid over the data, the features a model reads, what it says there.

The Playground draws everything over the plane of the raw inputs, whatever features the
network reads. So every picture of a model over the plane goes through three steps:
a grid of points covering the data, ``features`` mapping each point (x1, x2) to the
model's inputs, and ``model.predict`` (under ``no_grad``: no graph is kept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import autograd
import nn

MARGIN = 0.1  # the grid reaches a tenth of the data's span beyond it on each side


def as_points(X, who: str) -> np.ndarray:
    """X as a float array of points (n, 2) in the plane, or a ValueError naming ``who``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"{who} needs points (x1, x2) as an array of shape (n, 2), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{who} needs finite points; X holds NaN or infinity")
    return X


def feature_map(features) -> Callable[[np.ndarray], np.ndarray]:
    """A function from points (n, 2) to the model's inputs (n, k).

    ``features`` is None (the model reads x1, x2 as they are), a list of names from
    ``nn.data.FEATURES`` (or one string "r,spiral"), or a function of the points (n, 2).
    """
    if features is None:
        return lambda P: P
    if isinstance(features, str) or (
        isinstance(features, Sequence) and all(isinstance(f, str) for f in features)
    ):
        names = features
        nn.data.features(np.zeros((1, 2)), names)  # unknown names fail here, with the list of valid ones
        return lambda P: nn.data.features(P, names)
    if callable(features):
        return features
    raise TypeError(
        f"features must be None, a list of feature names ({', '.join(nn.data.FEATURES)}) or a function "
        f"of the points (n, 2); got {type(features).__name__}"
    )


def feature_names(model: nn.Module, features) -> list[str]:
    """Names for the model's inputs: the features' names, x1 and x2, or x1 .. xk."""
    if isinstance(features, str):
        features = [s.strip() for s in features.split(",") if s.strip()]
    if isinstance(features, Sequence) and all(isinstance(f, str) for f in features):
        return list(features)
    if features is None and model.nin == 2:
        return ["x1", "x2"]
    return [f"x{i + 1}" for i in range(model.nin)]


def model_inputs(model: nn.Module, points: np.ndarray, features) -> np.ndarray:
    """The model's inputs at ``points`` (n, 2), checked against the number of inputs it reads."""
    inputs = np.asarray(feature_map(features)(points), dtype=float)
    if inputs.ndim == 1:
        inputs = inputs[:, None]
    if inputs.shape != (len(points), model.nin):
        hint = "" if features is not None else "; pass features= to map (x1, x2) to them"
        raise ValueError(
            f"the model reads {model.nin} inputs per example, but the features of the plane give "
            f"{inputs.shape[1] if inputs.ndim == 2 else inputs.shape}{hint}"
        )
    return inputs


def grid(X, resolution: int, margin: float = MARGIN):
    """A square grid over the data's box: (xs, ys, points), points of shape (resolution², 2).

    Row i of the grid is ys[i], column j is xs[j]; points run row by row, so a
    (resolution, resolution) reshape of any per-point value is an image with origin lower.
    """
    X = as_points(X, "the plane")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be a whole number of grid points >= 2, got {resolution!r}")
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(high - low, 1e-9) * margin + (high == low)  # a single point still gets a box
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def outputs(model: nn.Module, inputs: np.ndarray) -> np.ndarray:
    """``model.predict(inputs)`` without keeping any graph."""
    with autograd.no_grad():
        return model.predict(inputs)


def activations(model: nn.Module, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """``nn.layer_activations`` in evaluation mode, as ``predict`` runs: a grid is not a batch.

    (In training mode BatchNorm would normalise over the grid's points.) The model's
    mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    try:
        return nn.layer_activations(model, inputs)
    finally:
        model.train(was_training)


def class1_probability(model: nn.Module, out: np.ndarray) -> np.ndarray:
    """P(class 1) from the model's outputs, read the way ``nn.fit`` scores them.

    One output: a sigmoid output is the probability itself, a tanh output t gives
    (t + 1) / 2, any other output is a logit z, read as sigmoid(z); so P > 1/2 exactly
    where fit counts class 1. Two outputs: the softmax's second entry.
    """
    out = np.asarray(out, dtype=float)
    if out.ndim == 1:
        act = model.output_activation
        if act == "sigmoid":
            return out
        if act == "tanh":
            return (out + 1.0) / 2.0
        return 0.5 * (1.0 + np.tanh(0.5 * out))  # sigmoid(z), without overflow for large |z|
    if out.shape[1] == 2:
        shifted = np.exp(out - out.max(axis=1, keepdims=True))
        return shifted[:, 1] / shifted.sum(axis=1)
    raise ValueError(f"a picture of two classes needs a model with 1 or 2 outputs, got {out.shape[1]}")


def class_labels(y) -> np.ndarray:
    """The labels as 0 / 1 (a -1 of the hinge convention counts as 0)."""
    y = np.asarray(y)
    return np.where(y == -1, 0, y).astype(int)
