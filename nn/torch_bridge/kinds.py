"""The registry: how each kind of nn module crosses to torch and back, one entry per kind.

An entry (``Kind``) says, for one nn class and the torch class it becomes:

- ``build(module, to_torch)``: the torch module with the same architecture (its numbers
  are copied afterwards, through ``names``); ``to_torch`` converts a part;
- ``names(module)``: (our dotted name, torch name, index) for every parameter and buffer,
  the one table that ``to_torch``, ``from_torch`` and ``compare_with_torch`` all read;
- ``rebuild(torch_module, path, from_torch)``: the nn module with the same architecture
  and numbers (``load`` reads them through ``names``), or a ValueError naming the first
  part nn cannot represent; ``from_torch`` converts a part.

Adding a kind (Highway, DenseBlock, Dropout ...) is one more entry in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from .. import MLP, BatchNorm, Layer, Neuron, Residual
from . import activations
from . import torch_modules as tm
from .errors import cannot, join

F64 = torch.float64


@dataclass(frozen=True)
class Kind:
    """One kind of module on both sides of the bridge."""

    ours: type
    theirs: type
    build: Callable
    names: Callable
    rebuild: Callable


def _prefixed(prefix, rows):
    """The rows of a part's table, both names under ``prefix``."""
    return [(f"{prefix}.{ours}", f"{prefix}.{theirs}", index) for ours, theirs, index in rows]


# ----- Neuron: w.k -> linear.weight[0, k], b -> linear.bias[0] -----


def _neuron_rows(neuron, row=0):
    rows = [(f"w.{k}", "linear.weight", (row, k)) for k in range(neuron.nin)]
    if neuron.b is not None:
        rows.append(("b", "linear.bias", (row,)))
    return rows


def _linear(module, path):
    if type(module) is not torch.nn.Linear:
        raise cannot(path, module, "expected a torch.nn.Linear here")
    return module


def _rebuild_neuron(t, path, from_torch):
    linear = _linear(t.linear, join(path, "linear"))
    if linear.out_features != 1:
        raise cannot(
            join(path, "linear"), linear, f"a Neuron has 1 output, this Linear {linear.out_features}"
        )
    activation = activations.from_torch(t.activation, join(path, "activation"))
    return load(Neuron(linear.in_features, activation, init="zeros", bias=linear.bias is not None), t)


NEURON = Kind(
    Neuron,
    tm.Neuron,
    build=lambda n, to_torch: tm.Neuron(
        torch.nn.Linear(n.nin, 1, bias=n.b is not None, dtype=F64), activations.to_torch(n.activation)
    ),
    names=_neuron_rows,
    rebuild=_rebuild_neuron,
)


# ----- BatchNorm: gamma.j -> weight[j], beta.j -> bias[j], running_mean.j -> running_mean[j] -----


def _batchnorm_rows(bn):
    rows = []
    for ours, theirs in (
        ("gamma", "weight"),
        ("beta", "bias"),
        ("running_mean", None),
        ("running_var", None),
    ):
        rows += [(f"{ours}.{j}", theirs or ours, (j,)) for j in range(bn.nin)]
    return rows


def _check_batchnorm(t, path):
    if type(t) is not torch.nn.BatchNorm1d:
        raise cannot(path, t, "expected a torch.nn.BatchNorm1d here")
    if not t.affine:
        raise cannot(path, t, "affine=False, but nn's BatchNorm always learns gamma and beta")
    if not t.track_running_stats or t.momentum is None:
        raise cannot(
            path, t, "nn's BatchNorm keeps running statistics with a momentum (momentum=None averages)"
        )
    return t


def _rebuild_batchnorm(t, path, from_torch):
    _check_batchnorm(t, path)
    return load(BatchNorm(t.num_features, eps=t.eps, momentum=t.momentum), t)


BATCHNORM = Kind(
    BatchNorm,
    torch.nn.BatchNorm1d,
    build=lambda bn, to_torch: torch.nn.BatchNorm1d(bn.nin, eps=bn.eps, momentum=bn.momentum, dtype=F64),
    names=_batchnorm_rows,
    rebuild=_rebuild_batchnorm,
)


# ----- Layer: neurons.j.w.k -> linear.weight[j, k], batchnorm.* as BatchNorm -----


def _layer_rows(layer):
    rows = []
    for j, neuron in enumerate(layer.neurons):
        rows += [(f"neurons.{j}.{ours}", theirs, index) for ours, theirs, index in _neuron_rows(neuron, j)]
    if layer.batchnorm is not None:
        rows += _prefixed("batchnorm", _batchnorm_rows(layer.batchnorm))
    return rows


def _build_layer(layer, to_torch):
    bias = layer.neurons[0].b is not None
    linear = torch.nn.Linear(layer.nin, layer.nout, bias=bias, dtype=F64)
    batchnorm = None if layer.batchnorm is None else to_torch(layer.batchnorm)
    return tm.Layer(linear, activations.to_torch(layer.activation), batchnorm, layer.residual)


def _rebuild_layer(t, path, from_torch=None, parts=None):
    """nn's Layer for the bridge Layer ``t``; ``parts`` gives the paths of its linear,
    batchnorm and activation when they are not under ``path`` (a plain Sequential's)."""
    parts = parts or {part: join(path, part) for part in ("linear", "batchnorm", "activation")}
    if type(t) is not tm.Layer:
        raise cannot(path, t, "an MLP's layers must be bridge Layers (a plain Sequential is read as an MLP)")
    linear = _linear(t.linear, parts["linear"])
    activation = activations.from_torch(t.activation, parts["activation"])
    batchnorm = t.batchnorm
    if batchnorm is not None:
        _check_batchnorm(batchnorm, parts["batchnorm"])
        if linear.bias is not None:
            why = "a batch-normalised layer has no bias in nn (BatchNorm cancels it); make it with bias=False"
            raise cannot(parts["linear"], linear, why)
        if batchnorm.num_features != linear.out_features:
            why = f"{batchnorm.num_features} features after a Linear with {linear.out_features} outputs"
            raise cannot(parts["batchnorm"], batchnorm, why)
    if t.residual and linear.in_features != linear.out_features:
        why = f"a residual layer needs nin == nout, got {linear.in_features} and {linear.out_features}"
        raise cannot(path, t, why)
    ours = Layer(
        linear.in_features,
        linear.out_features,
        activation,
        init="zeros",
        bias=linear.bias is not None or batchnorm is not None,
        batchnorm=batchnorm is not None,
        residual=t.residual,
    )
    if batchnorm is not None:
        for setting in ("eps", "momentum"):
            theirs, wanted = getattr(batchnorm, setting), getattr(ours.batchnorm, setting)
            if theirs != wanted:
                why = f"{setting}={theirs!r}, but the BatchNorm of an nn.Layer has {setting}={wanted!r}"
                raise cannot(parts["batchnorm"], batchnorm, why)
    return load(ours, t)


LAYER = Kind(Layer, tm.Layer, build=_build_layer, names=_layer_rows, rebuild=_rebuild_layer)


# ----- MLP: layers.i.* -> layers.i.* -----


def _mlp_rows(mlp):
    rows = []
    for i, layer in enumerate(mlp.layers):
        rows += _prefixed(f"layers.{i}", _layer_rows(layer))
    return rows


def _rebuild_mlp(t, path, from_torch=None, located=None):
    """nn's MLP for the bridge MLP ``t``; ``located`` gives, per layer, its path and its
    parts' paths when they are not under ``path`` (a plain Sequential's)."""
    if len(t.layers) == 0:
        raise cannot(join(path, "layers"), t.layers, "an MLP needs at least one layer")
    located = located or [(join(path, f"layers.{i}"), None) for i in range(len(t.layers))]
    layers = [_rebuild_layer(layer, p, parts=parts) for layer, (p, parts) in zip(t.layers, located)]
    for i in range(1, len(layers)):
        if layers[i].nin != layers[i - 1].nout:
            why = f"it reads {layers[i].nin} inputs, but the layer before gives {layers[i - 1].nout}"
            raise cannot(_part(located[i], "linear"), t.layers[i].linear, why)
    hidden = layers[:-1] or layers
    mlp = MLP(
        layers[0].nin,
        [layer.nout for layer in layers],
        activation=hidden[0].activation,
        output_activation=layers[-1].activation,
        init="zeros",
        batchnorm=hidden[0].batchnorm is not None and len(layers) > 1,
        residual=any(layer.residual for layer in layers[:-1]),
    )
    # An MLP has one pattern (one hidden activation, batch norm on every hidden layer or
    # none, skips wherever the widths allow): the first layer that breaks it is the culprit.
    for place, made, got, theirs in zip(located, mlp.layers, layers, t.layers):
        wanted, found = made.config(), got.config()
        for key in wanted:
            if wanted[key] != found[key]:
                why = f"{key}={found[key]!r}, where nn.MLP makes {key}={wanted[key]!r} for this layer"
                raise cannot(*_culprit(place, theirs, _CULPRIT.get(key)), why)
    return load(mlp, t)


_CULPRIT = {"activation": "activation", "batchnorm": "batchnorm", "bias": "linear"}
"""Which part of a layer to blame when that setting breaks the MLP's pattern."""


def _part(place, part):
    path, parts = place
    return parts[part] if parts else join(path, part)


def _culprit(place, layer, part):
    """(path, module) to blame: the part, or the Linear when the part is missing, or the layer."""
    if part is None:
        return place[0], layer
    path, parts = place
    missing = parts[part] == parts["linear"] if parts else getattr(layer, part) is None
    if missing or part == "linear":
        return _part(place, "linear"), layer.linear
    return _part(place, part), getattr(layer, part)


MLP_KIND = Kind(
    MLP,
    tm.MLP,
    build=lambda mlp, to_torch: tm.MLP([to_torch(layer) for layer in mlp.layers]),
    names=_mlp_rows,
    rebuild=_rebuild_mlp,
)


# ----- Residual: block.* -> block.* -----


def _rebuild_residual(t, path, from_torch):
    block = from_torch(t.block, join(path, "block"))
    if block.nin != block.nout:
        raise cannot(
            join(path, "block"), t.block, f"x + block(x) needs nin == nout, got {block.nin} and {block.nout}"
        )
    return Residual(block)


RESIDUAL = Kind(
    Residual,
    tm.Residual,
    build=lambda r, to_torch: tm.Residual(to_torch(r.block)),
    names=lambda r: _prefixed("block", rows_of(r.block)),
    rebuild=_rebuild_residual,
)


KINDS = [NEURON, LAYER, MLP_KIND, BATCHNORM, RESIDUAL]
"""Every kind the bridge converts. nn.Highway, nn.DenseBlock and nn.Dropout are not here yet."""


def kind_of_ours(module) -> Kind:
    """The entry for an nn module, else a TypeError listing the kinds the bridge knows."""
    for kind in KINDS:
        if type(module) is kind.ours:
            return kind
    known = ", ".join(k.ours.__name__ for k in KINDS)
    raise TypeError(f"nn.to_torch converts {known}; got {type(module).__name__}")


def kind_of_theirs(module, path) -> Kind:
    """The entry for a torch module, else a ValueError naming it (its path and type)."""
    for kind in KINDS:
        if type(module) is kind.theirs:
            return kind
    known = ", ".join(k.theirs.__name__ for k in KINDS)
    raise cannot(
        path, module, f"nn has no module of this kind (the bridge reads {known} and plain Sequentials)"
    )


def rows_of(module) -> list[tuple[str, str, tuple]]:
    """(our dotted name, torch name, index) for every parameter and buffer of an nn module."""
    return kind_of_ours(module).names(module)


def load(model, module):
    """``model`` with every number of the torch ``module``, read through the name table."""
    tensors = {**dict(module.named_parameters()), **dict(module.named_buffers())}
    model.load_state_dict({ours: tensors[theirs][index].item() for ours, theirs, index in rows_of(model)})
    return model
