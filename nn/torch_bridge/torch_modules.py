"""The torch side of the bridge: torch.nn.Modules shaped like nn's Neuron, Layer, MLP and Residual.

Each class holds the same parts under the same names as its nn twin, so a parameter's
torch name reads like its nn name (see ``nn.torch_bridge``). BatchNorm needs no class
of its own (it is ``torch.nn.BatchNorm1d``), nor do the activations (torch's own).
This module imports torch: only the bridge's functions import it, once torch is known
to be installed.
"""

from __future__ import annotations

import torch


class Neuron(torch.nn.Module):
    """h = activation(w . x + b), nn.Neuron: its weights are a Linear with one output."""

    def __init__(self, linear: torch.nn.Linear, activation: torch.nn.Module):
        super().__init__()
        self.linear = linear
        self.activation = activation

    def forward(self, x):
        return self.activation(self.linear(x))


class Layer(torch.nn.Module):
    """h = activation(batchnorm(W x + b)), plus x when ``residual``: nn.Layer.

    Row j of ``linear.weight`` is the weights of nn's neuron j. ``batchnorm`` is None
    for a layer without batch normalisation (and then the Linear has the biases).
    """

    def __init__(self, linear, activation, batchnorm=None, residual=False):
        super().__init__()
        self.linear = linear
        self.batchnorm = batchnorm
        self.activation = activation
        self.residual = bool(residual)

    def forward(self, x):
        s = self.linear(x)
        if self.batchnorm is not None:
            s = self.batchnorm(s)
        h = self.activation(s)
        return x + h if self.residual else h

    def extra_repr(self):
        return f"residual={self.residual}"


class MLP(torch.nn.Module):
    """Layers in a row, nn.MLP: ``layers`` is a torch.nn.Sequential of Layers."""

    def __init__(self, layers):
        super().__init__()
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class Residual(torch.nn.Module):
    """output = x + block(x), nn.Residual."""

    def __init__(self, block: torch.nn.Module):
        super().__init__()
        self.block = block

    def forward(self, x):
        return x + self.block(x)
