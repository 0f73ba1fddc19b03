"""Lets the tests here import the shared per-op case table: ``from op_cases import ROWS``.

The tests run with ``--import-mode=importlib``, which puts no test folder on sys.path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
