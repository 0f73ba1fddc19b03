"""A plain torch.nn.Sequential of Linear, BatchNorm1d and activations, read as the bridge's MLP.

The modules are cut into layers, each ``Linear [BatchNorm1d] [activation]`` (no
activation means nn's "linear"), and handed on as a bridge MLP, whose conversion then
checks that they form an nn.MLP. A Linear's bias before a BatchNorm1d is folded into
the running mean: BatchNorm subtracts the batch mean, so in training mode the bias
cancels, and in evaluation mode (W x + b - mean) = (W x - (mean - b)). The function is
the same; nn's batch-normalised layers simply have no bias.
"""

from __future__ import annotations

import copy

import torch

from . import activations
from . import torch_modules as tm
from .errors import cannot, join


def as_mlp(sequential: torch.nn.Sequential, path: str):
    """The bridge MLP computing what ``sequential`` computes (its parts copied, not shared),
    and where each layer's parts are in ``sequential``: (path, {part: path}) per layer."""
    modules = list(sequential.named_children())
    if not modules:
        raise cannot(path, sequential, "an empty Sequential has no nn form")
    layers, located, i = [], [], 0
    while i < len(modules):
        name, linear = modules[i]
        parts = dict.fromkeys(("linear", "batchnorm", "activation"), join(path, name))
        if type(linear) is not torch.nn.Linear:
            why = "nn has no such layer or activation (read as: Linear, [BatchNorm1d], [activation], ...)"
            raise cannot(parts["linear"], linear, why)
        linear, batchnorm, activation = copy.deepcopy(linear), None, torch.nn.Identity()
        i += 1
        if i < len(modules) and type(modules[i][1]) is torch.nn.BatchNorm1d:
            parts["batchnorm"] = join(path, modules[i][0])
            batchnorm = copy.deepcopy(modules[i][1])
            linear = _fold_bias(linear, batchnorm)
            i += 1
        if i < len(modules) and activations.is_activation(modules[i][1]):
            parts["activation"] = join(path, modules[i][0])
            activation = copy.deepcopy(modules[i][1])
            i += 1
        layers.append(tm.Layer(linear, activation, batchnorm))
        located.append((parts["linear"], parts))
    mlp = tm.MLP(layers)
    mlp.train(sequential.training)
    return mlp, located


def _fold_bias(linear, batchnorm):
    """The Linear without its bias; the bias moved into the BatchNorm's running mean."""
    if linear.bias is None:
        return linear
    plain = torch.nn.Linear(linear.in_features, linear.out_features, bias=False, dtype=linear.weight.dtype)
    with torch.no_grad():
        plain.weight.copy_(linear.weight)
        if batchnorm.running_mean is not None:
            batchnorm.running_mean.sub_(linear.bias.to(batchnorm.running_mean.dtype))
    return plain
