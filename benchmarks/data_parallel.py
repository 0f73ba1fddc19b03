"""Data parallelism on the scalar engine: one full-batch gradient in this process, and on 1 and 2 workers.

    python benchmarks/data_parallel.py [--n 2000] [--repeats 3]

The gradient of the mean bce loss of MLP(2, [16, 16, 1]) (tanh) over n moons, three ways:
in this process (forward, loss, backward on the whole batch: the reference), and with
``nn.data_parallel_grad`` on 1 and on 2 worker processes (each rebuilds the model from its
state_dict and backprops its shard; a new process pool per call, counted in the time).
Times are wall-clock seconds (``time.perf_counter``: the work happens in other processes),
the median of the repeats; the ratios are the reference's median over the row's. The
largest difference between each row's gradient and the reference's is printed too.
Nothing is asserted: the numbers depend on the machine (and on what else runs on it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import nn


def in_process(model, X, y):
    model.zero_grad()
    nn.binary_cross_entropy(model.forward_batch(X), y).backward()
    return np.array([p.grad for p in model.parameters()])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="examples in the batch")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X, y = nn.data.moons(args.n, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    rows = {
        "in this process (full batch)": lambda: in_process(model, X, y),
        "data_parallel_grad, 1 worker": lambda: nn.data_parallel_grad(model, X, y, "bce", workers=1),
        "data_parallel_grad, 2 workers": lambda: nn.data_parallel_grad(model, X, y, "bce", workers=2),
    }
    reference = in_process(model, X, y)
    times = {name: [] for name in rows}
    worst = {}
    for _ in range(args.repeats):
        for name, run in rows.items():  # the rows take turns, so a change in load hits them all
            started = time.perf_counter()
            gradient = run()
            times[name].append(time.perf_counter() - started)
            worst[name] = float(np.max(np.abs(gradient - reference)))
    print(f"MLP(2, [16, 16, 1]), {args.n} moons, bce; {os.cpu_count()} CPUs; median of {args.repeats}")
    base = statistics.median(times["in this process (full batch)"])
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"  {name:<32} {median:8.3f} s  x{base / median:5.2f}  max |grad - ref| {worst[name]:.1e}")


if __name__ == "__main__":
    main()
