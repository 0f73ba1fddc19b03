"""Dropout in training: the scalar engine against the batch tape, which takes the masks as inputs.

    python benchmarks/dropout.py [--n 200] [--epochs 5] [--p 0.3] [--repeats 3]

Trains MLP(2, [16, 16, 1]) (tanh, dropout p after each hidden layer, bce, adam, batch
size 50) on n moons for a few epochs, once with ``nn.fit(engine="scalar")`` and once with
``engine="auto"`` (the tape, which draws the same masks from the same seeded generators).
Prints the median wall-clock seconds per epoch of each, their ratio, the engine ``auto``
chose, and the largest difference between the two runs' final parameters (the same masks,
so rounding only). Nothing is asserted: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import nn


def train(engine, X, y, p, epochs):
    """(seconds per epoch, the history, the final state) of one seeded run."""
    model = nn.MLP(2, [16, 16, 1], activation="tanh", dropout=p, seed=0)
    started = time.perf_counter()
    history = nn.fit(
        model, X, y, loss="bce", optimizer="adam", lr=0.01, epochs=epochs, batch_size=50, progress=False,
        engine=engine,
    )  # fmt: skip
    return (time.perf_counter() - started) / epochs, history, model.state_dict()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="moons to train on")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per run")
    parser.add_argument("--p", type=float, default=0.3, help="the drop probability")
    parser.add_argument("--repeats", type=int, default=3, help="runs per engine (the median is shown)")
    args = parser.parse_args()
    X, y = nn.data.moons(args.n, noise=0.1, seed=0)
    runs = {
        engine: [train(engine, X, y, args.p, args.epochs) for _ in range(args.repeats)]
        for engine in ("scalar", "auto")
    }
    scalar = statistics.median(r[0] for r in runs["scalar"])
    tape = statistics.median(r[0] for r in runs["auto"])
    chosen = runs["auto"][0][1].engine
    a, b = runs["scalar"][0][2], runs["auto"][0][2]
    diff = max(abs(a[k] - b[k]) for k in a)
    print(f"MLP(2, [16, 16, 1]), dropout {args.p}, {args.n} moons, batch 50; median of {args.repeats}")
    print(f"  scalar engine  {scalar:8.3f} s per epoch")
    print(f"  auto ({chosen})   {tape:8.3f} s per epoch    scalar/tape = {scalar / tape:.1f}x")
    print(f"  largest difference of the final parameters: {diff:.1e} (the same masks on both)")


if __name__ == "__main__":
    main()
