"""Backprop step by step: the steps of one backward pass, their frames, and the player that shows them.

- ``backprop``: ``backprop_steps``, the chain rule at each node with its numbers;
- ``frames``: each step in picture terms (the SVG ids to highlight, the ledger);
- ``player``: the HTML player, numbered SVG frames, the notebook player;
- ``page``: the player's page, its styles and script (player.css, highlight.css, player.js).
"""

from .backprop import BackwardStep, ForwardStep, InputGrad, SeedStep, backprop_steps
from .player import StepPlayer, save_steps_html, save_steps_svg

__all__ = [
    "backprop_steps",
    "ForwardStep",
    "SeedStep",
    "BackwardStep",
    "InputGrad",
    "save_steps_html",
    "save_steps_svg",
    "StepPlayer",
]
