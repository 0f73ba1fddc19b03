"""Activations by name: the non-linearity h = activation(s) a neuron applies to its sum.

Every activation is an op of the engine's table (its derivative lives there), except
``linear``, which is no op at all: h = s, and no node is added to the graph.
"""

from __future__ import annotations

import autograd

from .checks import lookup


def linear(s):
    """h = s: no non-linearity (a network of linear layers is one linear map)."""
    return s


ACTIVATIONS = {
    "linear": linear,
    "sigmoid": autograd.sigmoid,
    "tanh": autograd.tanh,
    "relu": autograd.relu,
    "leaky_relu": autograd.leaky_relu,
    "softplus": autograd.softplus,
    "elu": autograd.elu,
}
"""Each activation's name and function (Value or number -> Value)."""

SATURATING = frozenset({"sigmoid", "tanh"})
"""The activations whose derivative goes to 0 for large |s|: gradients vanish through them."""


def check(name: str) -> str:
    """``name`` if it names an activation, else a ValueError listing the valid names."""
    lookup(ACTIVATIONS, name, "activation")
    return name


def get(name: str):
    """The activation function called ``name`` (ValueError listing the valid names if none)."""
    return ACTIVATIONS[check(name)]
