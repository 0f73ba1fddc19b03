"""The bridge's public functions: each imports torch (and the modules that need it) when it runs."""

from __future__ import annotations

import importlib

from .comparison import Comparison

INSTALL = "pip install 'backprop-lab[torch]'"


def require_torch():
    """The torch module, or an ImportError saying how to install it (torch is an optional extra)."""
    try:
        return importlib.import_module("torch")
    except ImportError as error:
        raise ImportError(f"the bridge to PyTorch needs torch, which is not installed: {INSTALL}") from error


def to_torch(model):
    """A ``torch.nn.Module`` with the same architecture, numbers (float64) and mode as ``model``.

    ``model`` is an nn MLP, Layer, Neuron, BatchNorm or Residual. Parameter names map one
    to one (the table in ``nn.torch_bridge``); the torch module is a copy, not a view.
    """
    require_torch()
    from . import convert

    return convert.to_torch(model)


def from_torch(module):
    """The nn module computing what the torch ``module`` computes, numbers and mode included.

    Reads what ``to_torch`` makes, ``torch.nn.BatchNorm1d``, and a plain ``torch.nn.Sequential``
    of layers ``Linear, [BatchNorm1d], [activation]`` that fit one nn.MLP. Anything else: a
    ValueError naming the first module nn cannot represent (its path and type) and why.
    """
    require_torch()
    from . import convert

    return convert.from_torch(module)


def torch_names(model) -> dict[str, str]:
    """Our dotted name -> the torch name of the same number, e.g. "layers.0.linear.weight[3, 1]"."""
    require_torch()
    from . import convert

    return convert.torch_names(model)


def compare_with_torch(model, X, y, loss="mse", torch_loss=None, show=True, rows_shown=10) -> Comparison:
    """The same forward and backward pass in nn and in torch, printed side by side.

    Runs ``loss(model.forward_batch(X), y).backward()`` here and the same loss, written
    with torch, on ``to_torch(model)``, then prints the outputs (the first ``rows_shown``
    examples), the loss, and every gradient: nn's name, torch's name, nn's value, torch's,
    and their difference, then the largest difference. Returns those numbers (a
    ``Comparison``). ``loss`` is a name in ``nn.LOSSES`` or its function; for another loss,
    give its torch form as ``torch_loss(outputs, targets)``. The model is left as it was
    (BatchNorm's running statistics and the parameters' gradients are put back).
    """
    require_torch()
    from . import compare

    return compare.compare(model, X, y, loss, torch_loss, show, rows_shown)
