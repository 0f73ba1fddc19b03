"""The lecture's building blocks: Neuron, Layer, MLP, and the training tricks BatchNorm and Residual.

A neuron computes s = b + w1 x1 + ... + wn xn as ONE n-ary sum node, whose parents are
the bias first and then the products wi * xi, and then h = activation(s). A layer is N
neurons reading the same inputs; an MLP is layers in a row. Every node a neuron makes is
recorded inside ``autograd.scope(<neuron's name>, kind="neuron")``, nested in its layer's
``autograd.scope(<layer's name>, kind="layer")``, so pictures can collapse a network into
neurons or layers. Only parameters carry labels; pictures name the other nodes themselves.
"""

from __future__ import annotations

from numbers import Integral
from operator import attrgetter, mul

import numpy as np

import autograd
from autograd import Parameter

from . import activations
from . import init as inits
from .checks import brief, flag, positive, probability, whole
from .dropout import Dropout
from .module import Module
from .saving import from_spec, spec_state_size

_sum = autograd.sum


class Neuron(Module):
    """One artificial neuron: h = activation(b + sum_i w_i x_i).

    ``Neuron(2)([1.0, -2.0])`` returns the Value h (a single Value, as in the lecture;
    layers and networks return lists). ``w`` is the list of weights, ``b`` the bias
    (None with ``bias=False``), both Parameters; ``activation`` is the name of the
    non-linearity. ``fan_out`` (the width of the layer the neuron is in) only matters
    for the "xavier" init.
    """

    kind = "neuron"

    def __init__(self, nin, activation="relu", init="kaiming", bias=True, seed=None, fan_out=1):
        super().__init__()
        self.nin = whole(nin, "nin")
        self.nout = 1
        self.activation = activations.check(activation)
        self._act = activations.get(activation)
        self.init = inits.name_of(init)
        weights = inits.draw(init, self.nin, whole(fan_out, "fan_out"), inits.as_rng(seed), self.nin)
        self.w = [Parameter(x) for x in weights]
        self.b = Parameter(0.0) if bias else None
        self._name_parts()

    def __call__(self, x):
        """h for ONE example x (a Value, not a list)."""
        return super().__call__(x)[0]

    @property
    def output_activation(self) -> str:
        return self.activation

    def _sums(self, rows):
        """s = sum([b, w1*x1, ..., wn*xn]) for every example: one n-ary sum node each."""
        w, b = self.w, self.b
        with autograd.scope(self.scope_name, kind="neuron"):
            if b is None:
                return [_sum(list(map(mul, w, x))) for x in rows]
            return [_sum([b, *map(mul, w, x)]) for x in rows]

    def _activate(self, sums):
        """h = activation(s) for every example (no node at all for "linear")."""
        if self.activation == "linear":
            return sums
        act = self._act
        with autograd.scope(self.scope_name, kind="neuron"):
            return [act(s) for s in sums]

    def _forward_many(self, rows, trace=None):
        sums = self._sums(rows)
        hs = self._activate(sums)
        if trace is not None:
            trace.append((self.scope_name, [[s] for s in sums], [[h] for h in hs]))
        return [[h] for h in hs]

    def config(self):
        return {"nin": self.nin, "activation": self.activation, "init": self.init, "bias": self.b is not None}

    @classmethod
    def state_size(cls, config):
        """nin weights and the bias."""
        return whole(config.get("nin"), "nin") + flag(config.get("bias", True), "bias")


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; always returns a list of Values.

    With ``batchnorm=True`` each neuron's sum is normalised over the batch before the
    activation: h = activation(BatchNorm(s)); the neurons then have no bias, because
    BatchNorm subtracts the batch mean (a bias would cancel, with gradient 0) and adds
    its own shift. With ``residual=True`` (needs nin == nout) the layer outputs x + h.
    """

    kind = "layer"

    def __init__(
        self,
        nin,
        nout,
        activation="relu",
        init="kaiming",
        bias=True,
        batchnorm=False,
        residual=False,
        seed=None,
    ):
        super().__init__()
        self.nin = whole(nin, "nin")
        self.nout = whole(nout, "nout")
        self.activation = activations.check(activation)
        if residual and self.nin != self.nout:
            raise ValueError(f"a residual layer needs nin == nout (x + h), got nin={nin}, nout={nout}")
        rng = inits.as_rng(seed)
        self.neurons = [
            Neuron(self.nin, activation, init, bias=bias and not batchnorm, seed=rng, fan_out=self.nout)
            for _ in range(self.nout)
        ]
        self.batchnorm = BatchNorm(self.nout) if batchnorm else None
        self.residual = bool(residual)
        self.init = inits.name_of(init)
        self.bias = bool(bias)
        self._name_parts()

    @property
    def output_activation(self) -> str:
        return "linear" if self.residual else self.activation

    def _forward_many(self, rows, trace=None):
        with autograd.scope(self.scope_name, kind="layer"):
            sums = [n._sums(rows) for n in self.neurons]  # one list over the batch per neuron
            normed = sums if self.batchnorm is None else self.batchnorm._normalise(sums)
            columns = [n._activate(col) for n, col in zip(self.neurons, normed)]
            outputs = [list(h) for h in zip(*columns)]
            if self.residual:
                outputs = _skip(rows, outputs, f"{self.scope_name}.residual")
        if trace is not None:
            trace.append((self.scope_name, [list(s) for s in zip(*sums)], outputs))
        return outputs

    def weight_matrix(self, grad: bool = False) -> np.ndarray:
        """The weights as a matrix W of shape (nout, nin), W[i, j] = neuron i's w_j: s = W x + b.

        A copy of the Values' ``data``, or with ``grad=True`` of their ``grad``: after
        backward on a loss, dL/dW = sum over examples of delta x^T (delta = dL/ds).
        """
        pick = _grads_or_data(grad)
        return np.array([[pick(w) for w in n.w] for n in self.neurons], dtype=float)

    def bias_vector(self, grad: bool = False) -> np.ndarray:
        """The biases as a vector b of shape (nout,) (``data``, or ``grad`` with ``grad=True``).

        A layer with ``bias=False`` or ``batchnorm=True`` has no biases: a ValueError says so.
        """
        if self.neurons[0].b is None:
            why = "bias=False" if self.batchnorm is None else "batchnorm=True (BatchNorm's beta shifts)"
            raise ValueError(f"layer {self.scope_name!r} has no biases: it was made with {why}")
        pick = _grads_or_data(grad)
        return np.array([pick(n.b) for n in self.neurons], dtype=float)

    def config(self):
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
            "bias": self.bias,
            "batchnorm": self.batchnorm is not None,
            "residual": self.residual,
        }

    @classmethod
    def state_size(cls, config):
        """nout neurons of nin weights (and a bias each, unless batch norm shifts), and its BatchNorm."""
        nin, nout = whole(config.get("nin"), "nin"), whole(config.get("nout"), "nout")
        bias = flag(config.get("bias", True), "bias")
        batchnorm = flag(config.get("batchnorm", False), "batchnorm")
        flag(config.get("residual", False), "residual")
        return _layer_size(nin, nout, bias and not batchnorm, batchnorm)


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16, 1 output.

    Hidden layers use ``activation``, the last layer ``output_activation`` ("linear":
    the output is a score or logit). ``batchnorm=True`` normalises every hidden layer
    over the batch. ``connections`` says how the layers are joined (``CONNECTIONS``):

    - "plain": each layer reads the previous one's output;
    - "residual" (or the older ``residual=True``): a skip x + h around every hidden layer
      whose input width equals its output width (not the first one, which reads the inputs);
    - "highway": around the same layers, a gated skip T h + (1 - T) x, the gate
      T = sigmoid(W_T x + b_T) a layer of its own (``gates``, see ``nn.Highway``);
    - "dense": each layer reads the inputs and every earlier layer's outputs side by side
      (see ``nn.DenseBlock``), so layer i has nin + sizes[0] + ... + sizes[i-1] inputs.

    ``dropout=p`` puts an ``nn.Dropout(p)`` after every hidden layer (``dropouts``).
    ``seed`` makes the initial weights (and the dropout masks) reproducible; a highway
    MLP's layers have the weights of the plain MLP with the same seed (the gates are
    drawn after them).
    """

    kind = "mlp"

    def __init__(
        self,
        nin,
        sizes,
        activation="relu",
        output_activation="linear",
        init="kaiming",
        batchnorm=False,
        residual=False,
        seed=None,
        connections=None,
        dropout=0.0,
    ):
        super().__init__()
        self.nin = whole(nin, "nin")
        connections = _connections(connections, residual)
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"sizes must be a list of layer widths such as [16, 16, 1], got {sizes!r}")
        self.sizes = [whole(s, "each layer size") for s in sizes]
        if not self.sizes:
            raise ValueError("sizes needs at least one layer width, got []")
        self.nout = self.sizes[-1]
        activations.check(activation)
        activations.check(output_activation)
        self.seed = seed if isinstance(seed, Integral) else None
        rng = inits.as_rng(seed)
        widths = [self.nin, *self.sizes]
        last = len(self.sizes) - 1
        skips = [0 < i < last and widths[i] == widths[i + 1] for i in range(len(self.sizes))]
        reads = (
            widths[:-1]
            if connections != "dense"
            else [self.nin + sum(self.sizes[:i]) for i in range(last + 1)]
        )
        self.layers = [
            Layer(
                reads[i],
                widths[i + 1],
                activation if i < last else output_activation,
                init,
                batchnorm=batchnorm and i < last,
                residual=connections == "residual" and skips[i],
                seed=rng,
            )
            for i in range(len(self.sizes))
        ]
        gated = [i for i in range(len(self.sizes)) if connections == "highway" and skips[i]]
        self.gates = [_gate(widths[i], rng) for i in gated]
        self._gate_of = dict(zip(gated, self.gates))  # a dict is not searched for parts: no parameter twice
        self.connections = connections
        self.dropouts = (
            [] if not dropout else [Dropout(dropout, n, seed=_draw_seed(rng)) for n in self.sizes[:-1]]
        )
        self._hyper = {
            "activation": activation,
            "output_activation": output_activation,
            "init": inits.name_of(init),
            "batchnorm": bool(batchnorm),
            "residual": connections == "residual",
            "connections": connections,
            "dropout": float(dropout),
        }
        self._name_parts()

    @property
    def output_activation(self) -> str:
        return self.layers[-1].output_activation

    def _forward_many(self, rows, trace=None):
        dropouts = self.dropouts
        if self.connections == "dense":
            for i, layer in enumerate(self.layers[:-1]):
                outputs = layer._forward_many(rows, trace)
                rows = _concatenate(rows, dropouts[i]._forward_many(outputs) if dropouts else outputs)
            return self.layers[-1]._forward_many(rows, trace)
        for i, layer in enumerate(self.layers):
            outputs = layer._forward_many(rows, trace)
            gate = self._gate_of.get(i)
            if gate is not None:
                outputs = _highway(rows, outputs, gate._forward_many(rows), f"{layer.scope_name}.highway")
            if dropouts and i < len(dropouts):
                outputs = dropouts[i]._forward_many(outputs)
            rows = outputs
        return rows

    def config(self):
        return {"nin": self.nin, "sizes": list(self.sizes), **self._hyper, "seed": self.seed}

    @classmethod
    def state_size(cls, config):
        """Its layers' (batch norm in the hidden ones only) and its highway gates' (dropout has none)."""
        nin = whole(config.get("nin"), "nin")
        sizes = config.get("sizes")
        if not isinstance(sizes, list) or not sizes:
            raise ValueError(f"sizes must be a non-empty list of layer widths, got {brief(sizes)}")
        widths = [nin, *(whole(s, f"sizes[{i}]") for i, s in enumerate(sizes))]
        batchnorm = flag(config.get("batchnorm", False), "batchnorm")
        connections = _connections(config.get("connections"), flag(config.get("residual", False), "residual"))
        last = len(sizes) - 1
        reads = (
            widths[:-1] if connections != "dense" else [nin + sum(widths[1 : i + 1]) for i in range(last + 1)]
        )
        layers = sum(
            _layer_size(reads[i], widths[i + 1], not (batchnorm and i < last), batchnorm and i < last)
            for i in range(last + 1)
        )
        gated = [widths[i] for i in range(1, last) if connections == "highway" and widths[i] == widths[i + 1]]
        return layers + sum(_layer_size(n, n, True, False) for n in gated)


class BatchNorm(Module):
    """Batch normalisation of ``n`` units: y = gamma (s - mean) / sqrt(var + eps) + beta.

    In training mode, mean and var are each unit's mean and (biased) variance over the
    batch, computed with Values: the gradient flows through them, so each example's
    gradient depends on the whole batch. Training passes that record a graph also update
    the running statistics, running = (1 - momentum) running + momentum * batch (with the
    unbiased variance), which evaluation mode uses instead; passes under ``no_grad`` (a
    plot, an accuracy) leave them alone. ``gamma`` (scale, starts at 1) and ``beta``
    (shift, starts at 0) are learned.
    """

    kind = "batchnorm"
    _buffers = ("running_mean", "running_var")

    def __init__(self, n, eps=1e-5, momentum=0.1):
        super().__init__()
        self.nin = self.nout = whole(n, "n")
        self.eps = positive(eps, "eps")
        self.momentum = probability(momentum, "momentum")
        self.gamma = [Parameter(1.0) for _ in range(self.nin)]
        self.beta = [Parameter(0.0) for _ in range(self.nin)]
        self.running_mean = [0.0] * self.nin
        self.running_var = [1.0] * self.nin
        self._name_parts()

    def couples_examples(self) -> str | None:
        if not self.training:
            return None  # the running statistics are numbers: each example is normalised on its own
        where = f" {self.name!r}" if self.name else ""
        return (
            f"BatchNorm{where} is in training mode: it normalises with the batch's mean and variance, "
            "which couples the examples of a batch"
        )

    def _forward_many(self, rows, trace=None):
        columns = self._normalise([list(c) for c in zip(*rows)])
        outputs = [list(y) for y in zip(*columns)]
        if trace is not None:
            trace.append((self.scope_name, rows, outputs))
        return outputs

    def _normalise(self, columns):
        """Each unit's column of values over the batch, normalised, scaled and shifted."""
        with autograd.scope(self.scope_name, kind="batchnorm"):
            if not self.training:
                return [self._normalise_eval(j, col) for j, col in enumerate(columns)]
            n = len(columns[0])
            if n < 2:
                raise ValueError(
                    "BatchNorm in training mode normalises over a batch and needs at least 2 examples, "
                    "got 1 (use forward_batch with more examples, or model.eval() to use running statistics)"
                )
            return [self._normalise_batch(j, col) for j, col in enumerate(columns)]

    def _normalise_batch(self, j, col):
        n = len(col)
        mean = _sum(col) * (1.0 / n)
        centred = [v - mean for v in col]
        var = _sum([c * c for c in centred]) * (1.0 / n)
        inv_std = (var + self.eps) ** -0.5
        gamma, beta = self.gamma[j], self.beta[j]
        if autograd.is_grad_enabled():
            m = self.momentum
            self.running_mean[j] = (1.0 - m) * self.running_mean[j] + m * mean.data
            self.running_var[j] = (1.0 - m) * self.running_var[j] + m * var.data * n / (n - 1)
        return [gamma * (c * inv_std) + beta for c in centred]

    def _normalise_eval(self, j, col):
        mean = self.running_mean[j]
        inv_std = (self.running_var[j] + self.eps) ** -0.5
        gamma, beta = self.gamma[j], self.beta[j]
        return [gamma * ((v - mean) * inv_std) + beta for v in col]

    def config(self):
        return {"n": self.nin, "eps": self.eps, "momentum": self.momentum}

    @classmethod
    def state_size(cls, config):
        """gamma, beta, running_mean and running_var: 4 numbers per unit."""
        return 4 * whole(config.get("n"), "n")

    def _check_buffer(self, attr, x, name):
        if attr == "running_var" and x < 0:
            raise ValueError(f"{name} is a variance and must be >= 0, got {x!r}")


class Residual(Module):
    """A skip connection around a block: output = x + block(x) (needs block.nin == block.nout).

    The gradient reaches x along two paths, the identity and the block, so it does not
    vanish however deep the stack: the lecture's residual connections. The additions are
    made inside ``autograd.scope(<name>, kind="residual")``.
    """

    kind = "residual"

    def __init__(self, block):
        super().__init__()
        if not isinstance(block, Module):
            raise TypeError(f"Residual needs a Module as its block, got {type(block).__name__}")
        if block.nin != block.nout:
            raise ValueError(f"Residual needs a block with nin == nout, got {block.nin} and {block.nout}")
        self.nin = self.nout = block.nin
        self.block = block
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        return _skip(rows, self.block._forward_many(rows, trace), self.scope_name)

    def config(self):
        return {"block": self.block.spec()}

    @classmethod
    def from_config(cls, config):
        return cls(from_spec(config.get("block")))

    @classmethod
    def state_size(cls, config):
        """Its block's: the skip connection adds no parameter."""
        return spec_state_size(config.get("block"), "block")


def _layer_size(nin, nout, bias, batchnorm):
    """A Layer's state entries: nout neurons of nin weights (and a bias each), 4 per unit of BatchNorm."""
    return nout * (nin + bias) + (4 * nout if batchnorm else 0)


CONNECTIONS = ("plain", "residual", "highway", "dense")
"""How ``MLP(connections=...)`` can join its layers."""

HIGHWAY_GATE_BIAS = -1.0
"""The gates' initial bias: T = sigmoid(-1) = 0.27 at first, so a highway layer starts
close to passing x on (Srivastava et al. 2015 start at -1 to -3)."""


def _connections(connections, residual):
    """The connections asked for, the older ``residual=True`` meaning "residual"."""
    if connections is None:
        return "residual" if residual else "plain"
    if connections not in CONNECTIONS:
        raise ValueError(f"unknown connections {connections!r}; expected one of: {', '.join(CONNECTIONS)}")
    if residual and connections != "residual":
        raise ValueError(f'residual=True asks for connections="residual", but connections={connections!r}')
    return connections


def _draw_seed(rng) -> int:
    """A whole-number seed drawn from rng: a Dropout's own generator, saved in its config."""
    return int(rng.integers(2**32))


def _gate(n, rng):
    """A highway gate over n units: T = sigmoid(W_T x + b_T), b_T = HIGHWAY_GATE_BIAS."""
    gate = Layer(n, n, "sigmoid", "xavier", seed=rng)
    for neuron in gate.neurons:
        neuron.b.data = HIGHWAY_GATE_BIAS
    return gate


def _highway(rows, outputs, gates, name):
    """T h + (1 - T) x for every example, inside a scope of kind "highway".

    Written x + T (h - x): the same number with three nodes per unit instead of four.
    """
    with autograd.scope(name, kind="highway"):
        return [[x + t * (h - x) for x, h, t in zip(xs, hs, ts)] for xs, hs, ts in zip(rows, outputs, gates)]


def _concatenate(rows, outputs):
    """Each example's inputs followed by its outputs: what the next layer of a dense block reads."""
    return [[*xs, *hs] for xs, hs in zip(rows, outputs)]


def _skip(rows, outputs, name):
    """x + h for every example, inside a scope of kind "residual"."""
    with autograd.scope(name, kind="residual"):
        return [[x + h for x, h in zip(xs, hs)] for xs, hs in zip(rows, outputs)]


def _grads_or_data(grad):
    if not isinstance(grad, bool):
        raise TypeError(f"grad must be True (the gradients) or False (the values), got {grad!r}")
    return attrgetter("grad") if grad else attrgetter("data")
