"""``backprop-lab demo``: the first thing a new user runs.

It computes the lecture's example y = sin(w1*x + log(x)) + cos(x) at x = 2, w1 = 0.5
and prints its value and gradients.
"""

from __future__ import annotations

from autograd import Value, cos, log, sin


def add_parser(subparsers):
    parser = subparsers.add_parser("demo", help="show the lecture's example graph, its gradients, and more")
    parser.add_argument("--out", default="demo-out", help="folder for the demo's pictures")
    parser.set_defaults(run=run)


def run(args) -> int:
    x, w1 = Value(2.0, label="x"), Value(0.5, label="w1")
    y = sin(w1 * x + log(x)) + cos(x)
    y.backward()
    print("The lecture's example: y = sin(w1*x + log(x)) + cos(x) at x = 2, w1 = 0.5")
    print(f"  y      = {y.data:.6f}")
    print(f"  dy/dx  = {x.grad:.6f}   (= cos(w1 x + log x) (w1 + 1/x) - sin x)")
    print(f"  dy/dw1 = {w1.grad:.6f}   (= cos(w1 x + log x) x)")
    return 0
