"""backprop-lab: the command line, one entry point with sub-commands.

Each sub-command lives in its own module with ``add_parser(subparsers)``, which
registers it and sets ``run(args) -> exit status`` as the parser's default.
A bad value raises ``UsageError``: the command exits 2 with one clear line.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys

from . import cli_graph, cli_train, demo


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


COMMANDS = (demo, cli_graph, cli_train)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-lab",
        description="See backpropagation at work: computation graphs, step-by-step backprop, "
        "and small neural networks trained on TensorFlow Playground's data sets.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, via the package metadata)."""
    try:
        return importlib.metadata.version("backprop-lab")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        print(f"backprop-lab {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
