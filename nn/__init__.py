"""nn: neurons, layers and networks made of autograd Values, and how to train them."""

from ._own_packages import require_own

require_own("autograd")

BACKPROP_LAB = True
"""Marks this nn as backprop-lab's (viz checks it: other projects are called nn too)."""

from . import activations, data, init, losses, optim, schedules, tape_engine  # noqa: E402
from .activations import ACTIVATIONS  # noqa: E402
from .connections import DenseBlock, Highway  # noqa: E402
from .curvature import Curvature, curvature  # noqa: E402
from .dropout import Dropout  # noqa: E402
from .generalization import GapMeasurements, MembershipAttack, generalization_gap, membership_attack  # noqa: E402
from .init import INITS  # noqa: E402
from .layers import CONNECTIONS, MLP, BatchNorm, Layer, Neuron, Residual  # noqa: E402
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
from .module import Module, load  # noqa: E402
from .optim import SGD, Adam  # noqa: E402
from .parallel import data_parallel_grad  # noqa: E402
from .polynomial import polynomial_features  # noqa: E402
from .schedules import CosineDecay, LinearDecay, StepDecay  # noqa: E402
from .smoothness import Smoothness, loss_smoothness  # noqa: E402
from .training import (  # noqa: E402
    ENGINES,
    History,
    StopTraining,
    accuracy,
    fit,
    gradient_flow,
    layer_activations,
)

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "BatchNorm",
    "Residual",
    "Highway",
    "DenseBlock",
    "Dropout",
    "CONNECTIONS",
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
    "curvature",
    "polynomial_features",
    "data_parallel_grad",
    "generalization_gap",
    "GapMeasurements",
    "membership_attack",
    "MembershipAttack",
    "loss_smoothness",
    "Smoothness",
    "Curvature",
    "activations",
    "data",
    "init",
    "losses",
    "optim",
    "schedules",
    "tape_engine",
]
