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
    """A ``torch.nn.Module`` with the same architecture, numbers and mode as ``model``.

    ``model`` is an nn MLP, Layer, Neuron, BatchNorm or Residual. Each becomes a torch
    module holding the same parts under the same names (``nn.torch_bridge.torch_modules``),
    in float64, a copy, not a view; each of nn's scalar parameters is one element of a
    torch tensor:

    =====================================  ===========================================
    nn (a dotted name per number)          torch (a tensor name and an index)
    =====================================  ===========================================
    MLP ``layers.i.<layer name>``          ``layers.i.<layer name>`` (a Sequential)
    Layer ``neurons.j.w.k``                ``linear.weight[j, k]``
    Layer ``neurons.j.b``                  ``linear.bias[j]``
    Layer ``batchnorm.<batchnorm name>``   ``batchnorm.<batchnorm name>``
    Neuron ``w.k``, ``b``                  ``linear.weight[0, k]``, ``linear.bias[0]``
    BatchNorm ``gamma.j``, ``beta.j``      ``weight[j]``, ``bias[j]`` (torch.nn.BatchNorm1d)
    BatchNorm ``running_mean.j``           ``running_mean[j]`` (a buffer; so is running_var)
    Residual ``block.<block name>``        ``block.<block name>``
    =====================================  ===========================================

    So ``layers.1.neurons.3.w.0`` is ``layers.1.linear.weight[3, 0]``;
    ``nn.torch_bridge.torch_names(model)`` lists them all. A layer computes ``linear``,
    then ``batchnorm`` (None without), then ``activation``, plus its input when residual.
    Activations: linear -> Identity, sigmoid, tanh, relu, leaky_relu -> LeakyReLU(nn's
    slope), elu -> ELU(nn's alpha), softplus -> Softplus(threshold=40). BatchNorm1d's
    ``num_batches_tracked`` has no nn counterpart: it stays 0, and is ignored on the way back.
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
