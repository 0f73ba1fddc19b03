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

from ..graph import FORMATS, GraphvizNotFound, render
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
    parser.set_defaults(run=run)
    parser.error = argparse_error("graph", _leading_minus_hint)


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
        root.label = "y"
    name = root.label or "y"
    print(f"{name} = {args.expression.strip()}")
    if leaves:
        print("  at " + ", ".join(f"{n} = {v.data:g}" for n, v in leaves.items()))
    width = max([len(name)] + [len(f"d{name}/d{n}") for n in leaves])
    print(f"{name:<{width}} = {root.data:.7g}")
    for n, leaf in leaves.items():
        print(f"{f'd{name}/d{n}':<{width}} = {leaf.grad:.7g}")
    options = {"local_grads": args.local_grads, "color_by": args.color_by}
    try:
        if output:
            print(f"wrote {render(root, output, **options)}")
        if player:
            print(f"wrote {save_steps_html(root, player, **options)}")
    except GraphvizNotFound as error:
        print_error("graph", str(error))
        return 1
    except ValueError as error:  # a graph too large to draw
        raise UsageError(str(error)) from None
    return 0


def _check_paths(args) -> tuple[Path | None, Path | None]:
    """Refuse a file type we cannot write before anything is computed or written."""
    output = Path(args.output) if args.output else None
    if output and output.suffix.lower() not in FORMATS:
        raise UsageError(f"-o {args.output}: the picture must end in {', '.join(FORMATS)}")
    player = Path(args.steps) if args.steps else None
    if player and player.suffix.lower() != ".html":
        raise UsageError(f"--steps {args.steps}: the player is a web page, its name must end in .html")
    return output, player
