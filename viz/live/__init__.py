"""Live widgets for the notebook: the Playground that trains as you watch, and backprop step by step.

Made with ipywidgets (``pip install -e '.[notebooks]'``); without it, making a widget
raises ``DisplayUnavailable`` saying what to install.
"""

from .backprop_widget import Backprop
from .display import DisplayUnavailable
from .mistakes import backward_twice, grad_before_backward, value_used_twice, wrong_order
from .playground import Playground
from .quiz import Mark, mark

__all__ = [
    "Playground",
    "Backprop",
    "DisplayUnavailable",
    "mark",
    "Mark",
    "value_used_twice",
    "backward_twice",
    "grad_before_backward",
    "wrong_order",
]
