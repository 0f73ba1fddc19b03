"""The bridge to PyTorch: the same network as a ``torch.nn.Module``, and back.

``nn.to_torch(model)`` builds the torch module, ``nn.from_torch(module)`` reads one
back, ``nn.compare_with_torch(model, X, y, loss)`` shows that both compute the same
outputs and gradients. torch is an optional extra (``pip install 'backprop-lab[torch]'``),
imported only when one of these functions runs.

The mapping of names is in ``to_torch``'s docstring; ``torch_names(model)`` lists it
for one model.

The converters form a registry, one entry per kind (``nn.torch_bridge.kinds``).
nn.Highway, nn.DenseBlock and nn.Dropout have no entry yet.
"""

from .api import compare_with_torch, from_torch, to_torch, torch_names
from .comparison import Comparison, GradientRow

__all__ = ["to_torch", "from_torch", "compare_with_torch", "torch_names", "Comparison", "GradientRow"]
