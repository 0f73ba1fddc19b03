"""``backprop-lab graph``: an expression's value, its gradients, and its computation graph.

    backprop-lab graph "sin(w1*x + log(x)) + cos(x)" --at x=2 w1=0.5 -o graph.svg --steps steps.html

evaluates the expression, runs backward, prints the value and the gradient of every
variable, and writes the pictures. The expression is parsed, never run (see
``viz.cli.expression``); bad input exits with status 2 and one line saying what and where.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import autograd

from ..files import check_regular
from ..graph import FORMATS, MAX_NODES, GraphTooLarge, GraphvizNotFound, LayoutTooSlow, render
from ..steps import save_steps_html
from .common import UsageError, argparse_error, print_error
from .expression import FUNCTIONS, ExpressionError, parse, parse_values

EXAMPLE = """\
example (the lecture's graph):
  backprop-lab graph "sin(w1*x + log(x)) + cos(x)" --at x=2 w1=0.5 -o graph.svg --steps steps.html

  prints y = 0.5764, dy/dw1 = -0.2441, dy/dx = -1.031, writes the picture graph.svg and the
  step-by-step player steps.html (open it in a browser; arrow keys step through backprop).

{rules}
"""
RULES = (
    "The expression may use numbers, variables, + - * / ** (power), unary -, brackets and the functions "
    + ", ".join(FUNCTIONS)
    + ". Give it first, in quotes, and give every variable a value with --at. An expression that starts "
    'with - needs a space in front: " -x*2". Nothing you type is run as Python code.'
)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "graph",
        help="draw an expression's computation graph with values and gradients; play backprop step by step",
        description="Evaluate an expression, run backprop, print the value and every variable's "
        "gradient, and draw the computation graph (and a step-by-step backprop player).",
        epilog=EXAMPLE.format(rules=textwrap.fill(RULES, 88)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", help='the expression, in quotes, e.g. "sin(w1*x + log(x)) + cos(x)"')
    parser.add_argument(
        "--at",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="the value of each variable, e.g. --at x=2 w1=0.5",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the graph to FILE: .svg, .png or .pdf (folders are created)",
    )
    parser.add_argument(
        "--steps", metavar="FILE.html", help="write the step-by-step backprop player (one HTML file)"
    )
    parser.add_argument(
        "--local-grads", action="store_true", help="label every edge with its local derivative d out / d in"
    )
    parser.add_argument(
        "--color-by",
        choices=("kind", "grad"),
        default="kind",
        help="colour nodes by kind (input, constant, ...) or by |gradient| on a log scale",
    )
    parser.add_argument(
        "--max-nodes",
        type=_max_nodes,
        default=MAX_NODES,
        metavar="N",
        help=f"draw at most N nodes ({MAX_NODES}; up to {MAX_NODES_LIMIT}: more is unreadable and slow)",
    )
    parser.add_argument(
        "--collapse",
        choices=("neuron", "layer"),
        help="one box per neuron or layer (for graphs built by nn's networks; an expression has none)",
    )
    parser.set_defaults(run=run)
    parser.error = argparse_error("graph", _leading_minus_hint)


MAX_NODES_LIMIT = 2000
"""The most nodes --max-nodes allows: a bound on Graphviz's time (it also stops after DOT_TIMEOUT)."""
OUTPUT_NAMES = ("y", "f", "out", "result")
"""The output's name: the first that is not a variable of the expression (x*y draws f, not a second y)."""


def _max_nodes(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_NODES_LIMIT:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_NODES_LIMIT}, got {text!r}")
    return n


def _leading_minus_hint(message: str) -> str:
    """argparse reads a leading - as an option: say how to write such an expression."""
    if "unrecognized arguments" in message or "required: expression" in message:
        return ' (an expression that starts with - needs a space in front: " -x*2")'
    return ""


def run(args) -> int:
    output, player = _check_paths(args)
    try:
        expression = parse(args.expression)
        root, leaves = expression.evaluate(parse_values(args.at))
        root.backward()
    except (ExpressionError, autograd.DomainError) as error:
        raise UsageError(str(error)) from None
    if not root.label and not root.is_leaf:
        root.label = output_name(leaves)
    name = root.label or output_name(leaves)
    print(f"{name} = {args.expression.strip()}")
    if leaves:
        print("  at " + ", ".join(f"{n} = {v.data:g}" for n, v in leaves.items()))
    width = max([len(name)] + [len(f"d{name}/d{n}") for n in leaves])
    print(f"{name:<{width}} = {root.data:.7g}")
    for n, leaf in leaves.items():
        print(f"{f'd{name}/d{n}':<{width}} = {leaf.grad:.7g}")
    options = {"local_grads": args.local_grads, "color_by": args.color_by, "max_nodes": args.max_nodes}
    try:
        if output:
            print(f"wrote {render(root, output, collapse=args.collapse, **options)}")
        if player:
            print(f"wrote {save_steps_html(root, player, **options)}")
    except GraphvizNotFound as error:
        print_error("graph", str(error))
        return 1
    except GraphTooLarge as error:
        raise UsageError(_too_large(error, args)) from None
    except LayoutTooSlow as error:
        raise UsageError(str(error)) from None
    except ValueError as error:  # e.g. --collapse with the step player
        raise UsageError(str(error)) from None
    except OSError as error:  # a full disk, a read-only folder, a name too long
        where = f" {error.filename}" if error.filename else ""
        raise UsageError(f"could not write{where}: {error.strerror or error}; nothing was replaced") from None
    return 0


def output_name(variables) -> str:
    """The first of OUTPUT_NAMES that is not one of ``variables`` (then y1, y2, ...)."""
    taken = set(variables)
    for name in OUTPUT_NAMES:
        if name not in taken:
            return name
    return next(f"y{k}" for k in range(1, len(taken) + 2) if f"y{k}" not in taken)


def _too_large(error: GraphTooLarge, args) -> str:
    """The refusal in the command line's terms: the options that draw it, or that this cannot."""
    if error.nodes <= MAX_NODES_LIMIT:
        hint = f"add --max-nodes {error.nodes} to draw it anyway (slow, hard to read), or draw less"
    else:
        hint = f"more than --max-nodes allows ({MAX_NODES_LIMIT}): draw a smaller expression"
    collapse = " (--collapse neuron or --collapse layer only shrink graphs made by nn's networks)"
    what = "boxes" if args.collapse else "nodes"
    return f"the graph has {error.nodes:,} {what}, more than --max-nodes {error.max_nodes}; {hint}{collapse}"


def _check_paths(args) -> tuple[Path | None, Path | None]:
    """Refuse, before anything is computed or written, an output that could never be written."""
    output = _check_path("-o", args.output, tuple(FORMATS), f"the picture must end in {', '.join(FORMATS)}")
    player = _check_path(
        "--steps", args.steps, (".html",), "the player is a web page, its name must end in .html"
    )
    if player is not None and args.collapse:
        raise UsageError("--collapse: the step player (--steps) shows every node and cannot collapse")
    return output, player


def _check_path(option: str, text: str | None, suffixes: tuple, wrong_suffix: str) -> Path | None:
    """``text`` as a Path if a file could be written there: the right suffix, absent or a regular file."""
    if text is None:
        return None
    if not text.strip():
        raise UsageError(f"{option}: expected a file name, got an empty one")
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {text}: {wrong_suffix}")
    try:  # also refuses a path under a file, or a name too long, with the system's words
        check_regular(path, option)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return path
