"""``python -m viz.cli``: the same as the ``backprop-lab`` command."""

import sys

from .parser import main

sys.exit(main())
