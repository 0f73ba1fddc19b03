"""viz: pictures of computation graphs, backprop step by step, networks and training."""

try:
    from nn._own_packages import require_own
except ImportError as error:  # another project's `nn` came first on the path
    raise ImportError(
        "`import nn` did not find backprop-lab's nn package (another project named nn is "
        "installed in this environment). Use backprop-lab in a virtual environment of its "
        "own: python3 -m venv .venv && .venv/bin/pip install -e ."
    ) from error

require_own("autograd")
require_own("nn")

BACKPROP_LAB = True
"""Marks this viz as backprop-lab's."""
