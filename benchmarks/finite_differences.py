"""The cost of a gradient: finite differences (2 forwards per parameter) against backprop (one pass back).

    python benchmarks/finite_differences.py [--widths 2,4,8,16] [--n 20]

For MLP(2, [h, h, 1]) (tanh) with growing h, the gradient of the mse loss over n moons,
twice: ``autograd.numeric_grad`` (central differences: it calls the loss 2 x parameters
times, counted here) and backprop (one forward and one backward pass, ``autograd.grad``).
Prints the parameters, the forward evaluations finite differences made, CPU seconds
(``time.process_time``) of each and their ratio, and the largest difference between the
two gradients. Nothing is asserted: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import autograd
import nn


def measure(h, X, y):
    """(parameters, forward evaluations, FD seconds, backprop seconds, max |difference|) for width h."""
    model = nn.MLP(2, [h, h, 1], activation="tanh", seed=0)
    params = model.parameters()
    calls = []

    def loss_at(*values):
        calls.append(1)
        for p, v in zip(params, values):
            p.data = v
        return nn.mse(model.forward_batch(X), y)

    start = [p.data for p in params]
    started = time.process_time()
    numeric = autograd.numeric_grad(loss_at, start)
    fd_seconds = time.process_time() - started
    forwards = len(calls)
    loss_at(*start)  # the parameters back at the start
    started = time.process_time()
    analytic = autograd.grad(nn.mse(model.forward_batch(X), y), params)
    bp_seconds = time.process_time() - started
    return len(params), forwards, fd_seconds, bp_seconds, float(np.max(np.abs(np.array(analytic) - numeric)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="2,4,8,16", help="hidden widths h, comma-separated")
    parser.add_argument("--n", type=int, default=20, help="examples in the batch")
    args = parser.parse_args()
    X, y = nn.data.moons(args.n, noise=0.1, seed=0)
    print(f"MLP(2, [h, h, 1]), mse over {args.n} moons; CPU seconds")
    header = ("h", "params", "FD forwards", "FD s", "backprop s", "FD/BP", "max diff")
    print("".join(f"{name:>{w}}" for name, w in zip(header, (4, 8, 13, 10, 12, 8, 10))))
    for h in [int(w) for w in args.widths.split(",")]:
        n, forwards, fd, bp, diff = measure(h, X, y)
        print(f"{h:>4}{n:>8}{forwards:>13}{fd:>10.3f}{bp:>12.4f}{fd / bp:>8.0f}{diff:>10.1e}")


if __name__ == "__main__":
    main()
