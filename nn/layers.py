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
from operator import mul

import autograd
from autograd import Parameter

from . import activations
from . import init as inits
from .checks import positive, probability, whole
from .module import Module
from .saving import from_spec

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


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is 2 inputs, two hidden layers of 16, 1 output.

    Hidden layers use ``activation``, the last layer ``output_activation`` ("linear":
    the output is a score or logit). ``batchnorm=True`` normalises every hidden layer
    over the batch; ``residual=True`` adds a skip connection (x + h) around every hidden
    layer whose input width equals its output width (not the first one, which reads the
    inputs). ``seed`` makes the initial weights reproducible.
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
    ):
        super().__init__()
        self.nin = whole(nin, "nin")
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
        self.layers = [
            Layer(
                widths[i],
                widths[i + 1],
                activation if i < last else output_activation,
                init,
                batchnorm=batchnorm and i < last,
                residual=residual and 0 < i < last and widths[i] == widths[i + 1],
                seed=rng,
            )
            for i in range(len(self.sizes))
        ]
        self._hyper = {
            "activation": activation,
            "output_activation": output_activation,
            "init": inits.name_of(init),
            "batchnorm": bool(batchnorm),
            "residual": bool(residual),
        }
        self._name_parts()

    @property
    def output_activation(self) -> str:
        return self.layers[-1].output_activation

    def _forward_many(self, rows, trace=None):
        for layer in self.layers:
            rows = layer._forward_many(rows, trace)
        return rows

    def config(self):
        return {"nin": self.nin, "sizes": list(self.sizes), **self._hyper, "seed": self.seed}


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
        return cls(from_spec(config["block"]))


def _skip(rows, outputs, name):
    """x + h for every example, inside a scope of kind "residual"."""
    with autograd.scope(name, kind="residual"):
        return [[x + h for x, h in zip(xs, hs)] for xs, hs in zip(rows, outputs)]
