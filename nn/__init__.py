"""nn: neurons, layers and networks made of autograd Values, and how to train them.

The parts: ``module`` (what every part of a network shares) and ``layers`` (Neuron,
Layer, MLP, BatchNorm, Residual); ``activations``, ``init``, ``losses``, ``optim``,
``schedules``, ``data``; ``training`` (``fit``), ``history``, ``metrics``;
``engines`` (which engine computes outputs and gradients: the scalar engine or the
batch tape); ``saving``, ``files`` (the one atomic writer), ``inputs`` (what a model
accepts as inputs) and ``checks`` (argument validators, the one "is classification" rule).
"""

import sys

from ._own_packages import require_own

require_own("autograd")

BACKPROP_LAB = True
"""Marks this nn as backprop-lab's (viz checks it: other projects are called nn too)."""

from . import activations, checks, data, engines, files, init, losses, metrics, optim, schedules  # noqa: E402
from .activations import ACTIVATIONS  # noqa: E402
from .engines import ENGINES  # noqa: E402
from .engines import tape as tape_engine  # noqa: E402
from .history import History  # noqa: E402
from .init import INITS  # noqa: E402
from .layers import MLP, BatchNorm, Layer, Neuron, Residual  # noqa: E402
from .losses import (  # noqa: E402
    LOSSES,
    binary_cross_entropy,
    cross_entropy,
    hinge,
    l2,
    log_softmax,
    mean_cross_entropy,
    mse,
    softmax,
)
from .metrics import accuracy, gradient_flow, layer_activations  # noqa: E402
from .module import Module  # noqa: E402
from .optim import SGD, Adam  # noqa: E402
from .saving import load  # noqa: E402
from .schedules import CosineDecay, LinearDecay, StepDecay  # noqa: E402
from .torch_bridge import compare_with_torch, from_torch, to_torch  # noqa: E402
from .training import StopTraining, fit  # noqa: E402

sys.modules[f"{__name__}.tape_engine"] = tape_engine  # its old path: `import nn.tape_engine` still works

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "BatchNorm",
    "Residual",
    "load",
    "ACTIVATIONS",
    "INITS",
    "LOSSES",
    "ENGINES",
    "mse",
    "binary_cross_entropy",
    "hinge",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "mean_cross_entropy",
    "l2",
    "SGD",
    "Adam",
    "StepDecay",
    "LinearDecay",
    "CosineDecay",
    "fit",
    "History",
    "StopTraining",
    "accuracy",
    "gradient_flow",
    "layer_activations",
    "to_torch",
    "from_torch",
    "compare_with_torch",
    "activations",
    "checks",
    "data",
    "engines",
    "files",
    "init",
    "losses",
    "metrics",
    "optim",
    "schedules",
    "tape_engine",
]
