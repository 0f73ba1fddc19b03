"""What the live widgets need from the notebook: ipywidgets, checked once with a clear message."""

from __future__ import annotations

import importlib


class DisplayUnavailable(ImportError):
    """The live widgets cannot be made here: the message names what is missing and how to get it."""


def require_widgets():
    """The ipywidgets module, or DisplayUnavailable naming it and its install command."""
    try:
        return importlib.import_module("ipywidgets")
    except ImportError:
        raise DisplayUnavailable(
            "the live widgets need ipywidgets (and a Jupyter kernel to show them: JupyterLab, "
            "classic Notebook or VS Code), but ipywidgets is not installed; install it with: "
            "pip install 'ipywidgets>=8'  (or pip install -e '.[notebooks]')"
        ) from None
