"""The bridge to PyTorch: the same network as a ``torch.nn.Module``, and back.

``nn.to_torch(model)`` builds the torch module, ``nn.from_torch(module)`` reads one
back, ``nn.compare_with_torch(model, X, y, loss)`` shows that both compute the same
outputs and gradients. torch is an optional extra (``pip install 'backprop-lab[torch]'``),
imported only when one of these functions runs.

Each nn module becomes a torch module holding the same parts under the same names
(``nn.torch_bridge.torch_modules``), in float64; each of nn's scalar parameters is one
element of a torch tensor:

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

So ``layers.1.neurons.3.w.0`` is ``layers.1.linear.weight[3, 0]``; ``torch_names(model)``
lists them all. A layer is ``linear``, then ``batchnorm`` (or None), then ``activation``,
plus its input when it is residual. Activations: linear -> Identity, sigmoid, tanh,
relu, leaky_relu -> LeakyReLU(nn's slope), elu -> ELU(nn's alpha), softplus ->
Softplus(threshold=40). BatchNorm's ``num_batches_tracked`` has no nn counterpart (it
stays 0 and is ignored on the way back). The mode (train or eval) crosses too.

The converters form a registry, one entry per kind (``nn.torch_bridge.kinds``).
nn.Highway, nn.DenseBlock and nn.Dropout have no entry yet.
"""

from .api import compare_with_torch, from_torch, to_torch, torch_names
from .comparison import Comparison, GradientRow

__all__ = ["to_torch", "from_torch", "compare_with_torch", "torch_names", "Comparison", "GradientRow"]
