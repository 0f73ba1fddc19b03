"""nn's activations as torch modules and back: one entry per name in ``nn.ACTIVATIONS``.

An entry is the torch class, how to make it with nn's settings (leaky_relu's slope,
elu's alpha: the defaults of nn's own functions, read from them so the two cannot
drift apart), and what, in a torch module of that class, nn could not represent.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .. import ACTIVATIONS
from .errors import cannot

SOFTPLUS_THRESHOLD = 40.0
"""torch's Softplus returns x itself above its threshold (default 20, where log(1 + e^x)
is still x + 2e-9); above 40 the difference is below half a float64 step of x, so with
this threshold torch computes nn's softplus to the last digit."""


def setting(name: str, parameter: str) -> float:
    """The value nn's activation ``name`` gives its ``parameter`` (a leaky_relu's slope): its default."""
    return inspect.signature(ACTIVATIONS[name]).parameters[parameter].default


@dataclass(frozen=True)
class Activation:
    """How one of nn's activations is written in torch."""

    torch_class: type
    make: Callable[[], torch.nn.Module]
    mismatch: Callable[[torch.nn.Module], str | None] = lambda module: None
    """Why this torch module is not nn's activation (None when it is)."""


def _differs(module, attribute, name, parameter):
    ours = setting(name, parameter)
    theirs = getattr(module, attribute)
    if theirs != ours:
        return f"{attribute}={theirs!r}, but nn's {name} has {parameter}={ours!r}"
    return None


def _softplus_mismatch(module):
    if module.beta != 1.0:
        return f"beta={module.beta!r}, but nn's softplus is log(1 + e^x) (beta=1)"
    if module.threshold < 20.0:
        return f"threshold={module.threshold!r}: torch returns x above it, nn's softplus does not (use >= 20)"
    return None


TORCH_ACTIVATIONS = {
    "linear": Activation(torch.nn.Identity, torch.nn.Identity),
    "sigmoid": Activation(torch.nn.Sigmoid, torch.nn.Sigmoid),
    "tanh": Activation(torch.nn.Tanh, torch.nn.Tanh),
    "relu": Activation(torch.nn.ReLU, torch.nn.ReLU),
    "leaky_relu": Activation(
        torch.nn.LeakyReLU,
        lambda: torch.nn.LeakyReLU(setting("leaky_relu", "slope")),
        lambda m: _differs(m, "negative_slope", "leaky_relu", "slope"),
    ),
    "softplus": Activation(
        torch.nn.Softplus,
        lambda: torch.nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD),
        _softplus_mismatch,
    ),
    "elu": Activation(
        torch.nn.ELU,
        lambda: torch.nn.ELU(setting("elu", "alpha")),
        lambda m: _differs(m, "alpha", "elu", "alpha"),
    ),
}
"""nn's activation name -> its torch form."""


def to_torch(name: str) -> torch.nn.Module:
    """The torch module computing nn's activation ``name``."""
    if name not in TORCH_ACTIVATIONS:
        raise ValueError(
            f"nn.to_torch has no torch form for the activation {name!r} (add it to TORCH_ACTIVATIONS)"
        )
    return TORCH_ACTIVATIONS[name].make()


def is_activation(module) -> bool:
    """True if ``module`` is of a torch class that one of nn's activations uses."""
    return any(type(module) is a.torch_class for a in TORCH_ACTIVATIONS.values())


def from_torch(module, path: str) -> str:
    """The name of nn's activation that ``module`` (at ``path``) computes, else a ValueError."""
    for name, activation in TORCH_ACTIVATIONS.items():
        if type(module) is activation.torch_class:
            reason = activation.mismatch(module)
            if reason:
                raise cannot(path, module, reason)
            return name
    known = ", ".join(a.torch_class.__name__ for a in TORCH_ACTIVATIONS.values())
    raise cannot(path, module, f"nn has no such activation (it has {known})")
