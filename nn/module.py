"""Module: what every part of a network shares (parts, parameters, modes, state).

A module finds its parts by looking at its own attributes, in the order they were set:
a Parameter or a list of Parameters is a parameter (``w.0``, ``w.1``, ``b``), a Module
or a list of Modules is a part (``layers.0``). So a network's dotted parameter names,
``layers.0.neurons.3.w.1``, are simply the path of attributes that leads to each one,
as in PyTorch. Every parameter's label is its dotted name, for pictures.
"""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Parameter, Value

from . import saving
from .checks import number
from .init import INITS
from .inputs import as_row, as_rows

BATCH_ENGINES: list = []
"""Functions ``outputs(model, X) -> array (n, nout), or None`` that ``predict`` asks first, in order.

Module knows no engine by name: an engine that can compute a model's outputs for a
whole batch faster than the graph of Values registers itself here (``nn.engines``
registers the batch tape); where none answers, the scalar engine runs.
"""


class Module:
    """The base of Neuron, Layer, MLP, BatchNorm and Residual.

    Subclasses set ``nin`` and ``nout`` (inputs and outputs per example), implement
    ``_forward_many(rows, trace=None)`` (a batch of examples, each a list of Values, to
    a list of outputs, each a list of Values) and ``config()`` (the constructor's
    arguments, for saving), and call ``self._name_parts()`` once their parts are set.
    """

    kind = "module"  # the scope kind and the name of a top-level module's scope
    _buffers: tuple[str, ...] = ()  # attributes holding lists of floats that training changes

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        saving.MODULES[cls.__name__] = cls

    def __init__(self):
        self.training = True
        self.name = ""  # the dotted path from the top-level module ("" for the top)

    # The parts.
    def named_modules(self):
        """(dotted name, module) for this module ("") and every part below it, in order."""
        yield "", self
        for attr, value in vars(self).items():
            for name, module in _modules_in(attr, value):
                for sub, m in module.named_modules():
                    yield _join(name, sub), m

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """(dotted name, Parameter) for every parameter, such as ``layers.0.neurons.3.w.1``."""
        out = []
        self._collect(out, "")
        return out

    def _collect(self, out, prefix):
        for attr, value in vars(self).items():
            if isinstance(value, Parameter):
                out.append((prefix + attr, value))
            elif isinstance(value, Module):
                value._collect(out, f"{prefix}{attr}.")
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, Parameter):
                        out.append((f"{prefix}{attr}.{i}", item))
                    elif isinstance(item, Module):
                        item._collect(out, f"{prefix}{attr}.{i}.")

    def parameters(self) -> list[Parameter]:
        """Every parameter, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def named_buffers(self) -> list[tuple[str, float]]:
        """(dotted name, number) for the state that is not a parameter (BatchNorm's running statistics)."""
        out = []
        for prefix, module in self.named_modules():
            for attr in module._buffers:
                for i, x in enumerate(getattr(module, attr)):
                    out.append((_join(prefix, f"{attr}.{i}"), x))
        return out

    def _name_parts(self):
        """Give every part its dotted name and every parameter its name as label."""
        for name, module in self.named_modules():
            module.name = _join(self.name, name)
        for name, p in self.named_parameters():
            p.label = _join(self.name, name)

    @property
    def scope_name(self) -> str:
        """The name this module's nodes are grouped under: its dotted name, or its kind at the top."""
        return self.name or self.kind

    @property
    def output_activation(self) -> str:
        """The activation of the last thing this module computes ("linear" by default)."""
        return "linear"

    def couples_examples(self) -> str | None:
        """Why this module, in its current mode, mixes the examples of a batch; None if it does not.

        An example's outputs then depend on the other examples of its batch (BatchNorm in
        training mode), so an engine that computes one example at a time cannot run it.
        Only this module itself counts, not its parts.
        """
        return None

    def mask_width(self) -> int:
        """How many random numbers per example this module draws in its current mode (0: none).

        A Dropout in training mode draws one mask number per unit; an engine that replays
        one traced graph feeds them in as inputs (see ``nn.Dropout``). Only this module
        itself counts, not its parts.
        """
        return 0

    # Modes and gradients.
    def zero_grad(self):
        """Set every parameter's ``grad`` to 0 (leaves accumulate gradients until then)."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True):
        """Training mode (BatchNorm uses the batch's statistics); returns the module."""
        for _, module in self.named_modules():
            module.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode (BatchNorm uses its running statistics); returns the module."""
        return self.train(False)

    # Computing. Both entry points build a graph, with the cyclic collector paused
    # (graphs hold no cycles, see autograd.gc_paused).
    @autograd.gc_paused()
    def __call__(self, x) -> list[Value]:
        """The outputs for ONE example x (numbers become Constant leaves; Values are kept)."""
        return self._forward_many([as_row(x, self.nin, type(self).__name__)])[0]

    @autograd.gc_paused()
    def forward_batch(self, X) -> list[list[Value]]:
        """The outputs for every example of X, shape (n, nin): one list of Values per example.

        This is what training calls: BatchNorm, in training mode, normalises over X.
        """
        return self._forward_many(as_rows(X, self.nin, type(self).__name__))

    def _forward_many(self, rows, trace=None):
        raise NotImplementedError

    def predict(self, X) -> np.ndarray:
        """The outputs as numbers, shape (n,) for one output or (n, nout), in evaluation mode.

        Runs with BatchNorm's running statistics and keeps no graph; the module's mode is
        restored afterwards. A batch engine of ``BATCH_ENGINES`` answers first: the batch
        tape (see ``nn.engines``) traces the model's graph for one example once and runs it
        over all the rows of X with numpy (a 200 x 200 grid takes milliseconds); a model
        no batch engine can run goes on the scalar engine, one graph of Values per row.
        Both give the same numbers (to about 1e-15).
        """
        was_training = self.training
        self.eval()
        try:
            values = None
            for outputs_of in BATCH_ENGINES:
                values = outputs_of(self, X)
                if values is not None:
                    break
            else:
                with autograd.no_grad():
                    outputs = self.forward_batch(X)
                values = np.array([[o.data for o in out] for out in outputs], dtype=float)
        finally:
            self.train(was_training)
        return values[:, 0] if values.shape[1] == 1 else values

    # State and files.
    def config(self) -> dict:
        """The constructor's arguments, as JSON-friendly values (saved with the model)."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        """A module built from ``config()``'s output, with weights still to be loaded."""
        config = dict(config)
        if isinstance(config.get("init"), str) and config["init"] not in INITS:
            config["init"] = "zeros"  # a custom init function is not saved; the weights are
        return cls(**config)

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value and every buffer, by dotted name."""
        state = {name: p.data for name, p in self.named_parameters()}
        state.update(self.named_buffers())
        return state

    def load_state_dict(self, state: dict):
        """Set every parameter and buffer from ``state`` (as made by ``state_dict()``).

        The names must match exactly; on any mismatch or bad value nothing is changed
        and a ValueError says what was missing, unexpected or wrong.
        """
        expected = self.state_dict()
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict needs a dict of name -> number, got {type(state).__name__}")
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in expected]
        if missing or unexpected:
            raise ValueError(
                f"state does not fit this {type(self).__name__}: expected {len(expected)} entries, got "
                f"{len(state)}; missing {_few(missing)}; unexpected {_few(unexpected)}"
            )
        values = {}
        for k, v in state.items():
            values[k] = number(v, f"state entry {k!r}")
        for prefix, module in self.named_modules():
            for attr in module._buffers:
                for i in range(len(getattr(module, attr))):
                    name = _join(prefix, f"{attr}.{i}")
                    module._check_buffer(attr, values[name], f"state entry {name!r}")
        for name, p in self.named_parameters():
            p.data = values[name]
        for prefix, module in self.named_modules():
            for attr in module._buffers:
                buffer = getattr(module, attr)
                for i in range(len(buffer)):
                    buffer[i] = values[_join(prefix, f"{attr}.{i}")]

    def _check_buffer(self, attr: str, x: float, name: str):
        """Raise a ValueError naming ``name`` if ``x`` cannot be a number of the buffer ``attr``."""

    @classmethod
    def state_size(cls, config: dict) -> int | None:
        """How many state entries (parameters and buffers) ``cls.from_config(config)`` would have.

        ``nn.load`` asks before building anything, so that a small file cannot ask for a
        billion parameters: the count must match the file's state and stay under a limit.
        Checks the fields it reads (a ValueError names the field). None: not known
        before building (a Module subclass that does not say).
        """
        return None

    def spec(self) -> dict:
        """{"class": ..., "config": ...}: what ``nn.load`` needs to rebuild this module."""
        return {"class": type(self).__name__, "config": self.config()}

    def save(self, path):
        """Write the model to ``path`` as JSON, atomically (see ``nn.saving``).

        A crash mid-save leaves the old file as it was; ``nn.load`` gives back every number exactly.
        """
        saving.save(self, path)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def _modules_in(attr, value):
    if isinstance(value, Module):
        yield attr, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, Module):
                yield f"{attr}.{i}", item


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


def _few(names: list[str], k: int = 5) -> str:
    if not names:
        return "none"
    more = f" and {len(names) - k} more" if len(names) > k else ""
    return ", ".join(repr(n) for n in names[:k]) + more
