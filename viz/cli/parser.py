"""backprop-lab's parser: one entry point, a sub-command per module, and ``main``.

Each sub-command lives in its own module with ``add_parser(subparsers)``, which
registers it and sets ``run(args) -> exit status`` as the parser's default.
A bad value raises ``common.UsageError``: the command exits 2 with one clear line.
"""

from __future__ import annotations

import argparse

from . import demo, graph, train
from .common import PROG, UsageError, print_error

COMMANDS = (demo, graph, train)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="See backpropagation at work: computation graphs, step-by-step backprop, "
        "and small neural networks trained on TensorFlow Playground's data sets.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        print_error(args.command, str(error))
        return 2
