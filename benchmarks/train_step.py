"""One full-batch training step of micrograd's demo, side by side: this project vs micrograd.

    python benchmarks/train_step.py [--repeats 7]

The step: MLP(2, [16, 16, 1]) (ReLU hidden layers, linear output) on 100 moons (noise
0.1), hinge loss + 1e-4 * sum(p^2) over all parameters, backward, one SGD update: the
body of micrograd's demo.ipynb training loop, and the same for every row. Each row is
(name, setup, step): ``setup(X, y)`` builds the model and returns the state that
``step(state)`` needs, so adding an engine is adding a row.

After one warm-up step per row, the rows take turns, one step each per repeat (so a
change in the machine's load hits them all alike), with the cyclic garbage collector on
as in a user's training loop (no gc.collect() between steps). Times are CPU seconds of
this process (``time.process_time``): other programs on a shared machine barely move
them; every row is single-threaded. The figure is the median per row; the ratio is
micrograd's median over the row's.
Nothing is asserted: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn  # noqa: E402

clock = time.process_time

ALPHA = 1e-4  # the L2 penalty of micrograd's demo
LR = 0.01  # a fixed, small rate, so that repeated steps stay in the same regime


def backprop_lab_scalar_setup(X, y):
    model = nn.MLP(2, [16, 16, 1], init="uniform", seed=1337)
    params = model.parameters()

    def loss(outputs, targets):
        return nn.hinge(outputs, targets) + nn.l2(params, ALPHA)

    return model, X, y, loss, nn.SGD(params, lr=LR)


def backprop_lab_scalar_step(state):
    model, X, y, loss, optimizer = state
    nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=1, progress=False, engine="scalar")


def micrograd_setup(inputs_as_floats):
    def setup(X, y):
        from micrograd.nn import MLP

        random.seed(1337)
        model = MLP(2, [16, 16, 1])
        if inputs_as_floats:
            return model, X.tolist(), (2 * y - 1).tolist()
        return model, X, 2 * y - 1

    return setup


def micrograd_step(state):
    """The body of micrograd's demo.ipynb training loop, as written there."""
    from micrograd.engine import Value

    model, X, y = state
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    assert len(accuracy) == len(X)
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= LR * p.grad


REFERENCE = "micrograd 0.1.0"

ROWS = [
    (REFERENCE, micrograd_setup(inputs_as_floats=True), micrograd_step),
    ("micrograd 0.1.0, numpy inputs as in its demo", micrograd_setup(inputs_as_floats=False), micrograd_step),
    ("backprop-lab, scalar engine (nn.fit)", backprop_lab_scalar_setup, backprop_lab_scalar_step),
]
"""(name, setup(X, y) -> state, step(state)): add a row here to compare another engine."""


def time_rows(rows, X, y, repeats):
    """{name: median CPU seconds of one step}; rows whose setup cannot import are skipped."""
    states = {}
    for name, setup, step in rows:
        try:
            states[name] = (setup(X, y), step)
        except ImportError as error:
            print(f"skipped {name}: {error}")
            continue
        step(states[name][0])  # warm-up
    times = {name: [] for name in states}
    gc.collect()
    for _ in range(repeats):
        for name, (state, step) in states.items():
            # No gc.collect() between steps: a training loop does not call it, and
            # micrograd's time is mostly the collector finding each step's garbage cycles.
            start = clock()
            step(state)
            times[name].append(clock() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per row (default 7)")
    args = parser.parse_args(argv)
    X, y = nn.data.moons(100, noise=0.1, seed=1337)
    print(f"One training step of MLP(2, [16, 16, 1]) on 100 moons, hinge + L2, SGD: median of {args.repeats}")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; CPU seconds\n")
    results = time_rows(ROWS, X, y, args.repeats)
    width = max(len(name) for name in results)
    print(f"{'':<{width}}  {'s / step':>10}  {'vs micrograd':>13}")
    for name, seconds in results.items():
        ratio = results[REFERENCE] / seconds if REFERENCE in results else float("nan")
        print(f"{name:<{width}}  {seconds:>10.4f}  {ratio:>12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
