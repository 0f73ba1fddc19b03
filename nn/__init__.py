"""nn: neurons, layers and networks made of autograd Values, and how to train them."""

from ._own_packages import require_own

require_own("autograd")

BACKPROP_LAB = True
"""Marks this nn as backprop-lab's (viz checks it: other projects are called nn too)."""
