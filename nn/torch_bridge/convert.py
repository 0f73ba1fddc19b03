"""``to_torch`` and ``from_torch`` over the registry (``kinds``): structure by entry, numbers by name."""

from __future__ import annotations

import torch

from .. import Module
from . import kinds, sequential


def to_torch(model) -> torch.nn.Module:
    """The torch module for ``model``: built by its entry, then every number copied in float64."""
    if not isinstance(model, Module):
        raise TypeError(f"nn.to_torch needs an nn Module (an MLP, Layer, ...), got {type(model).__name__}")
    module = _build(model)
    tensors = {**dict(module.named_parameters()), **dict(module.named_buffers())}
    state = model.state_dict()
    with torch.no_grad():
        for ours, theirs, index in kinds.rows_of(model):
            tensors[theirs][index] = state[ours]
    return module.train(model.training)


def _build(model):
    return kinds.kind_of_ours(model).build(model, _build)


def from_torch(module):
    """The nn module for the torch ``module``, numbers and mode included."""
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"nn.from_torch needs a torch.nn.Module, got {type(module).__name__}")
    return _rebuild(module, "").train(module.training)


def _rebuild(module, path):
    if type(module) is torch.nn.Sequential:
        mlp, located = sequential.as_mlp(module, path)
        return kinds.MLP_KIND.rebuild(mlp, path, _rebuild, located)
    return kinds.kind_of_theirs(module, path).rebuild(module, path, _rebuild)


def torch_names(model) -> dict[str, str]:
    """Our dotted name -> the torch name of the same number, such as "layers.0.linear.weight[3, 1]"."""
    return {ours: f"{theirs}[{', '.join(map(str, index))}]" for ours, theirs, index in kinds.rows_of(model)}
