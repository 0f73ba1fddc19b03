"""The torch side of the bridge: torch.nn.Modules shaped like nn's Neuron, Layer, MLP, Residual,
Highway, DenseBlock and Dropout.

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
    """Layers joined as nn.MLP joins them: ``layers`` is a torch.nn.Sequential of Layers.

    ``connections`` is nn's: "plain" and "residual" (the Layers' own flag) run the layers
    in a row; "highway" mixes layer i's output with its input through ``gates[k]`` where
    ``gated[k] == i`` (x + T (h - x), as nn writes it); "dense" hands each layer its
    input and every earlier output side by side. ``dropouts[i]`` (if any) follows hidden
    layer i, as in nn.
    """

    def __init__(self, layers, connections="plain", gates=(), gated=(), dropouts=()):
        super().__init__()
        self.layers = torch.nn.Sequential(*layers)
        self.connections = connections
        self.gates = torch.nn.ModuleList(gates)
        self.gated = list(gated)
        self.dropouts = torch.nn.ModuleList(dropouts)

    def forward(self, x):
        layers, dropouts = list(self.layers), list(self.dropouts)
        if self.connections == "dense":
            for i, layer in enumerate(layers[:-1]):
                h = layer(x)
                x = torch.cat([x, dropouts[i](h) if dropouts else h], dim=1)
            return layers[-1](x)
        gate_of = dict(zip(self.gated, self.gates))
        for i, layer in enumerate(layers):
            h = layer(x)
            if i in gate_of:
                h = highway(x, h, gate_of[i](x))
            if i < len(dropouts):
                h = dropouts[i](h)
            x = h
        return x

    def extra_repr(self):
        return f"connections={self.connections!r}, gated={self.gated}"


class Residual(torch.nn.Module):
    """output = x + block(x), nn.Residual."""

    def __init__(self, block: torch.nn.Module):
        super().__init__()
        self.block = block

    def forward(self, x):
        return x + self.block(x)


def highway(x, h, t):
    """T h + (1 - T) x, written x + T (h - x) as nn writes it (the same rounding)."""
    return x + t * (h - x)


class Highway(torch.nn.Module):
    """y = T h + (1 - T) x with h = layer(x), T = gate(x) (a sigmoid Layer): nn.Highway."""

    def __init__(self, layer: torch.nn.Module, gate: Layer):
        super().__init__()
        self.layer = layer
        self.gate = gate

    def forward(self, x):
        return highway(x, self.layer(x), self.gate(x))


class DenseBlock(torch.nn.Module):
    """[x, h1, h2, ...] with h_i = layers[i]([x, h1, ..., h_(i-1)]): nn.DenseBlock."""

    def __init__(self, layers):
        super().__init__()
        self.layers = torch.nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers:
            x = torch.cat([x, layer(x)], dim=1)
        return x


class Dropout(torch.nn.Module):
    """y = m x / (1 - p) in training, y = x in evaluation: nn.Dropout of ``n`` units.

    In training mode it uses ``mask`` (0/1 per example and unit, shape (batch, n)) when
    one is set, so a comparison can replay the mask nn drew; without one, torch draws
    it (``torch.nn.functional.dropout``). The scale is computed as nn computes it,
    m * (1 / (1 - p)), so both give the same bits.
    """

    def __init__(self, p: float, n: int):
        super().__init__()
        self.p = float(p)
        self.n = int(n)
        self.mask = None

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        if self.mask is None:
            return torch.nn.functional.dropout(x, self.p, training=True)
        scale = torch.as_tensor(self.mask, dtype=x.dtype) * (1.0 / (1.0 - self.p))
        return x * scale

    def extra_repr(self):
        return f"p={self.p}, n={self.n}, mask={'given' if self.mask is not None else 'drawn by torch'}"
