"""Connections beside Residual: the gated skip (Highway) and the dense block (DenseBlock).

Residual adds x to a block's output, so the gradient reaches x along the identity path.
A highway layer learns how much of x to pass on, per unit and per example; a dense block
lets every layer read every earlier layer's outputs (and the inputs) directly. Both keep
short paths from the loss to the first layers, which is what keeps the gradient alive.
"""

from __future__ import annotations

from .checks import brief, whole
from .layers import _concatenate, _gate, _highway
from .module import Module
from .saving import from_spec, spec_state_size


class Highway(Module):
    """A gated skip around a block: y = T h + (1 - T) x, with h = layer(x), T = sigmoid(W_T x + b_T).

    The gate T (``gate``, a sigmoid Layer with its own weights, one unit per output) mixes
    the block's output h with the input x: T = 1 is the plain layer, T = 0 the identity.
    Its bias starts at ``nn.layers.HIGHWAY_GATE_BIAS`` (-1), so the layer starts close to
    passing x on. Needs layer.nin == layer.nout (x and h are added). The mixing is made
    inside ``autograd.scope(<name>, kind="highway")``; ``seed`` draws the gate's weights.
    """

    kind = "highway"

    def __init__(self, layer, seed=None):
        super().__init__()
        if not isinstance(layer, Module):
            raise TypeError(f"Highway needs a Module as its layer, got {type(layer).__name__}")
        if layer.nin != layer.nout:
            raise ValueError(f"Highway needs a layer with nin == nout, got {layer.nin} and {layer.nout}")
        self.nin = self.nout = layer.nin
        self.layer = layer
        self.gate = _gate(self.nin, seed)
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        outputs = self.layer._forward_many(rows, trace)
        return _highway(rows, outputs, self.gate._forward_many(rows), self.scope_name)

    def config(self):
        return {"layer": self.layer.spec()}

    @classmethod
    def from_config(cls, config):
        return cls(from_spec(config.get("layer")))

    @classmethod
    def state_size(cls, config):
        """Its layer's and its gate's: n x n weights and n biases, n the layer's width (None if unknown)."""
        size = spec_state_size(config.get("layer"), "layer")
        inner = config["layer"].get("config", {})
        n = inner.get("nin", inner.get("n"))  # a Layer's or an MLP's nin, a BatchNorm's or a Dropout's n
        if size is None or n is None:
            return None
        n = whole(n, "layer.config.nin")
        return size + n * (n + 1)


class DenseBlock(Module):
    """Layers where each one reads the input and the outputs of every layer before it, side by side.

    With input x and layers f1, f2, ...: h1 = f1(x), h2 = f2([x, h1]), h3 = f3([x, h1, h2]),
    and the block outputs [x, h1, h2, ...] (DenseNet's dense block, for vectors). So layer
    i must have nin = x's width + the widths of the layers before it, and the block's
    nout is x's width plus every layer's nout. ``DenseBlock([Layer(2, 4), Layer(6, 4)])``
    reads 2 numbers and gives 10.
    """

    kind = "dense"

    def __init__(self, layers):
        super().__init__()
        if isinstance(layers, Module) or not isinstance(layers, (list, tuple)) or not layers:
            raise TypeError(f"DenseBlock needs a non-empty list of Modules, got {layers!r}")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"DenseBlock needs Modules; layers[{i}] is {type(layer).__name__}")
        width = layers[0].nin
        for i, layer in enumerate(layers):
            if layer.nin != width:
                raise ValueError(
                    f"DenseBlock: layers[{i}] must read {width} inputs (the block's input and every "
                    f"earlier layer's outputs), but it has nin={layer.nin}"
                )
            width += layer.nout
        self.nin = layers[0].nin
        self.nout = width
        self.layers = list(layers)
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        for layer in self.layers:
            rows = _concatenate(rows, layer._forward_many(rows, trace))
        return rows

    def config(self):
        return {"layers": [layer.spec() for layer in self.layers]}

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, list):
            raise ValueError(f"layers must be a list of module specs, got {brief(layers)}")
        return cls([from_spec(spec) for spec in layers])

    @classmethod
    def state_size(cls, config):
        """The sum of its layers' (None if one of them cannot tell)."""
        layers = config.get("layers")
        if not isinstance(layers, list) or not layers:
            raise ValueError(f"layers must be a non-empty list of module specs, got {brief(layers)}")
        sizes = [spec_state_size(spec, f"layers[{i}]") for i, spec in enumerate(layers)]
        return None if None in sizes else sum(sizes)
