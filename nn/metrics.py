"""Measuring a model: accuracy, the loss on held-out data, gradient flow and activations per layer."""

from __future__ import annotations

import math
from operator import attrgetter

import numpy as np

import autograd

from .checks import is_classification
from .engines import tape
from .inputs import as_dataset, as_rows
from .layers import Layer, Neuron


def accuracy(model, X, y, threshold: float | None = None) -> float:
    """The fraction of examples whose predicted class is y (see ``nn.fit`` for the rule).

    ``threshold`` overrides the decision level of a one-output model (default: 0, or
    0.5 for a sigmoid output). Labels -1/+1 (hinge) count as 0/1.
    """
    X, y = as_dataset(X, y, model.nin, "X, y")
    outputs = model.predict(X).reshape(len(X), -1)
    return count_correct(outputs, y, decision_threshold(model, threshold)) / len(X)


def evaluate(model, X, y, loss_fn, threshold, fast=True):
    """Loss and accuracy over (X, y) in evaluation mode, no graph kept (accuracy None for regression).

    With ``fast``, the outputs come from the batch tape when the model can be traced, and
    the loss function is called on them as numbers (Values without a graph).
    """
    was_training = model.training
    model.eval()
    try:
        values = tape.predict(model, X) if fast else None
        with autograd.no_grad(), autograd.gc_paused():
            if values is None:
                outputs = model.forward_batch(X)
                values = np.array([[o.data for o in out] for out in outputs], dtype=float)
            else:
                outputs = [[autograd.Value(v) for v in row] for row in values.tolist()]
            value = loss_fn(outputs, y).data
            del outputs
    finally:
        model.train(was_training)
    if not is_classification(y, model.nout):
        return value, None
    return value, count_correct(values, y, decision_threshold(model, threshold)) / len(X)


def gradient_flow(model) -> dict[str, float]:
    """Mean |grad| per weight of each layer (biases left out), from the last backward pass.

    The vanishing-gradient picture: with sigmoid the first layers get far smaller
    gradients than the last; with ReLU and Kaiming init they stay comparable.
    """
    return mean_abs_grads(weights_by_layer(model))


def layer_activations(model, X, pre: bool = False) -> dict[str, np.ndarray]:
    """Each layer's outputs (or with ``pre=True`` its neurons' sums s) over X: {layer: (n, width)}.

    Computed under ``no_grad`` in the model's current mode (nothing is changed): the
    pictures of activations per layer, for Kaiming init and batch norm.
    """
    trace = []
    with autograd.no_grad():
        model._forward_many(as_rows(np.asarray(X, dtype=float), model.nin, type(model).__name__), trace)
    which = 1 if pre else 2
    return {entry[0]: np.array([[v.data for v in row] for row in entry[which]]) for entry in trace}


def weights_by_layer(model, modules=None) -> dict[str, list]:
    """{layer name: its weights} for every Layer in the model (the model itself for a Neuron).

    ``modules``: the model's modules, if already at hand (``nn.engines.survey``).
    """
    modules = tape.survey(model).modules if modules is None else modules
    layers = [m for m in modules if isinstance(m, Layer)]
    weights = {m.scope_name: [w for n in m.neurons for w in n.w] for m in layers}
    if not weights and isinstance(model, Neuron):
        weights[model.scope_name] = list(model.w)
    return weights


def mean_abs_grads(weights: dict[str, list]) -> dict[str, float]:
    """{layer name: mean |grad| of its weights}."""
    return {name: math.fsum(map(abs, map(_grad, ws))) / len(ws) for name, ws in weights.items()}


_grad = attrgetter("grad")


def decision_threshold(model, threshold=None) -> float:
    """The level a one-output model's output must pass for class 1: ``threshold``, else 0.5 or 0.

    0.5 after a sigmoid (a probability), 0 otherwise (a logit or a hinge score).
    """
    if threshold is not None:
        return threshold
    return 0.5 if model.output_activation == "sigmoid" else 0.0


def count_correct(outputs, y, threshold) -> int:
    """How many rows of outputs (n, k) predict the class y (labels -1 count as 0)."""
    labels = np.where(np.asarray(y) == -1, 0, y).astype(int)
    predicted = (outputs[:, 0] > threshold).astype(int) if outputs.shape[1] == 1 else outputs.argmax(axis=1)
    return int(np.sum(predicted == labels))
