"""A clear error when another project's package shadows one of ours.

``autograd``, ``nn`` and ``viz`` are also the names of other projects on PyPI (HIPS
autograd is common). Python imports whichever comes first on its path; without this
check the result is an obscure ImportError or AttributeError much later.
"""

import importlib


def require_own(name: str) -> None:
    """Import ``name`` and check that it is backprop-lab's own package."""
    module = importlib.import_module(name)
    if not getattr(module, "BACKPROP_LAB", False):
        where = getattr(module, "__file__", None) or "an unknown place"
        raise ImportError(
            f"`import {name}` found a different package named {name!r} at {where}, "
            f"not backprop-lab's. Another project with that name (for example HIPS autograd, "
            f"`pip install autograd`) is installed in this environment. Use backprop-lab in a "
            f"virtual environment of its own: python3 -m venv .venv && .venv/bin/pip install -e . "
            f"(or run `make demo`, which does that)."
        )
