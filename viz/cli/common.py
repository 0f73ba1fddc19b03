"""What every command of ``backprop-lab`` shares: the one-line error, and the learning-rate schedules.

A command reports bad input by raising ``UsageError``; ``main`` prints it as one line,
``backprop-lab COMMAND: error: ...``, and exits with status 2. argparse's own errors
go through ``argparse_error`` so they read the same.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import nn

PROG = "backprop-lab"


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def print_error(command: str, message: str) -> None:
    """Print 'backprop-lab COMMAND: error: MESSAGE' on stderr: the one line every error is."""
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)


def argparse_error(command: str, hint: Callable[[str], str] = lambda message: "") -> Callable:
    """A sub-parser's ``error``: argparse's message as one line (argparse prints the usage first), exit 2.

    ``hint(message)`` is added to the message (empty: nothing added).
    """

    def error(message: str):
        print_error(command, message + hint(message))
        sys.exit(2)

    return error


def _run_arguments(epochs: int) -> dict[str, dict]:
    """Each schedule's arguments for a run of ``epochs`` epochs: x0.3 at each third, or down to 1%."""
    return {
        "step": {"every": max(1, math.ceil(epochs / 3)), "gamma": 0.3},
        "linear": {"epochs": epochs, "end_factor": 0.01},
        "cosine": {"epochs": epochs, "end_factor": 0.01},
    }


SCHEDULES = ("none", *nn.schedules.SCHEDULES)
"""The ``--schedule`` choices: none, and each of nn's schedules (a test checks each has its arguments)."""


def schedule(name: str, epochs: int) -> nn.schedules.Schedule | None:
    """nn's schedule called ``name`` over a run of ``epochs`` epochs (None for "none").

    step multiplies the rate by 0.3 at each third of the epochs; linear and cosine take it
    down to 1% of the starting rate by the last epoch.
    """
    if name == "none":
        return None
    return nn.schedules.make(name, **_run_arguments(epochs)[name])
