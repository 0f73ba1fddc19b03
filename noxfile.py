"""The oldest and the newest supported Python (3.10 and 3.13) run the engine's and nn's tests.

    make test-versions        (or: .venv/bin/nox)

Each session is a fresh virtual environment with the project installed (not editable)
and what the tests need. The interpreters are pyenv's builds (~/.pyenv/versions/3.X.*)
or else python3.X on PATH; a missing one fails the run (it is not skipped), since a
version that was not tested is not supported.
"""

from __future__ import annotations

import glob
import os

import nox

PYTHONS = ["3.10", "3.13"]
TESTS = ["tests/autograd", "tests/nn"]
# The PyTorch bridge's tests need torch, pinned to the build `make setup` installs for the
# project's own venv; the runs on other Pythons check the engine and nn without it.
WITHOUT = ["--ignore=tests/nn/test_torch_bridge.py"]
TEST_NEEDS = ["pytest>=8", "pytest-xdist>=3.5", "hypothesis>=6.100"]

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True
nox.options.default_venv_backend = "venv"


def pyenv_first() -> None:
    """Put pyenv's builds of PYTHONS before PATH (pyenv's shims on PATH fail for a version not selected)."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    builds = [sorted(glob.glob(os.path.join(root, "versions", f"{v}.*", "bin")))[-1:] for v in PYTHONS]
    os.environ["PATH"] = os.pathsep.join([*(b for found in builds for b in found), os.environ["PATH"]])


pyenv_first()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """tests/autograd and tests/nn against the installed package."""
    session.install(".", *TEST_NEEDS)
    # pytest, not python -m pytest: that would put the source tree first on sys.path.
    session.run("pytest", "-q", "-n", "2", "-p", "no:cacheprovider", *TESTS, *WITHOUT, *session.posargs)
