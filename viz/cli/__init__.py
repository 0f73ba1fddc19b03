"""backprop-lab: the command line, one entry point with sub-commands (the console script is ``main``).

- ``parser``: the entry point, ``main`` and ``build_parser``;
- ``common``: ``UsageError``, the one-line error, the learning-rate schedules;
- ``graph``, ``train``, ``demo``: one module per sub-command;
- ``expression``: the parser of ``graph``'s expressions (never run as Python);
- ``output_folder``, ``demo_page``: folders written all at once, the demo's index.html.
"""

from .common import UsageError
from .parser import build_parser, main

__all__ = ["main", "build_parser", "UsageError"]
