"""The engine against Karpathy's micrograd, side by side in one run.

    python benchmarks/engine.py [--nodes 100000] [--repeats 5] [--rounds 2] [--profile]

Both engines build the same wide, shallow expression (many small terms of shared inputs,
reduced by a pairwise tree of additions) from the ops both have: + * ** relu and plain
numbers. micrograd 0.1.0 has no tanh or exp, and its - and / are made of + * **, so the
expression sticks to ops that give both engines the very same graph: the node counts,
counted on each engine's own graph, are equal. Shallow matters: micrograd's topological
sort is recursive and would fail on a deep graph.

Each repeat is one step of a training loop: build the graph, backprop, drop it. The
figures are medians over the repeats (the engines take turns, to share any change in the
machine's load), with the cyclic garbage collector on, as in a user's program. Times are
CPU time of this process (``time.process_time``), so other work on a shared machine
disturbs them less than wall-clock time; both engines are single-threaded. Then
bytes per node (tracemalloc) and the longest chain each engine can backprop at Python's
default recursion limit. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:
    print("micrograd is not installed. Install it with: .venv/bin/pip install micrograd==0.1.0")
    sys.exit(1)

N_INPUTS = 64
clock = time.process_time  # CPU seconds of this process: other programs on the machine barely move it
NODES_PER_TERM = 8  # 7 in the term, 1 in the reduction tree
OURS_CHAIN = 1_000_000


def mixed_expression(value_class, n_terms: int, seed: int = 0):
    """sum over terms of relu((xi * xj + c) ** 2) * d, for random inputs i, j and numbers c, d.

    Every term is 7 nodes (2 of them the numbers c and d as leaves); the terms are added
    in a balanced tree so the graph stays about 30 levels deep.
    """
    rng = random.Random(seed)
    xs = [value_class(rng.uniform(-1.0, 1.0)) for _ in range(N_INPUTS)]
    terms = []
    for _ in range(n_terms):
        a, b = xs[rng.randrange(N_INPUTS)], xs[rng.randrange(N_INPUTS)]
        terms.append(((a * b + rng.uniform(-0.5, 0.5)) ** 2).relu() * rng.uniform(0.5, 1.5))
    while len(terms) > 1:
        paired = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        if len(terms) % 2:
            paired.append(terms[-1])
        terms = paired
    return xs, terms[0]


def count_nodes(root, parents_of) -> int:
    """The number of distinct nodes of the graph below root (an iterative search)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for p in parents_of(stack.pop()):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


ENGINES = {
    "micrograd": (MicrogradValue, lambda v: v._prev),
    "ours": (autograd.Value, lambda v: v.parents),
}


class CollectorClock:
    """Adds up the time the cyclic garbage collector runs (through ``gc.callbacks``)."""

    def __init__(self):
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = clock()
        else:
            self.seconds += clock() - self._started

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def training_steps(value_class, n_terms: int, steps: int) -> dict:
    """Seconds to build, to backprop and to drop the graph, for each of ``steps`` steps.

    Starts from a collected heap, so one engine's garbage does not slow the other down,
    and takes one untimed step first, so every timed step finds the garbage of a previous
    one, as in a training loop.
    """
    gc.collect()
    mixed_expression(value_class, n_terms, seed=-1)[1].backward()
    rows = {"build": [], "  of which cyclic GC": [], "backward": [], "drop": []}
    for r in range(steps):
        with CollectorClock() as collector:
            t0 = clock()
            xs, out = mixed_expression(value_class, n_terms, seed=r)
            t1 = clock()
        out.backward()
        t2 = clock()
        del xs, out
        t3 = clock()
        rows["build"].append(t1 - t0)
        rows["  of which cyclic GC"].append(collector.seconds)
        rows["backward"].append(t2 - t1)
        rows["drop"].append(t3 - t2)
    rows["build + backward"] = [b + w for b, w in zip(rows["build"], rows["backward"])]
    rows["whole step"] = [b + d for b, d in zip(rows["build + backward"], rows["drop"])]
    gc.collect()
    return rows


def median_timings(n_terms: int, repeats: int, rounds: int) -> dict:
    """Median seconds per row and engine; the engines take turns, ``rounds`` times.

    Taking turns spreads any change in the machine's load over both engines.
    """
    steps = {name: {} for name in ENGINES}
    for _ in range(rounds):
        for name, (cls, _) in ENGINES.items():
            for row, seconds in training_steps(cls, n_terms, repeats).items():
                steps[name].setdefault(row, []).extend(seconds)
    return {name: {row: statistics.median(s) for row, s in rows.items()} for name, rows in steps.items()}


ROWS = ("build", "  of which cyclic GC", "backward", "build + backward", "drop", "whole step")


def bytes_per_node(value_class, parents_of, n_terms: int) -> float:
    """Memory the live graph holds (tracemalloc), divided by its number of nodes."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    xs, out = mixed_expression(value_class, n_terms)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / count_nodes(out, parents_of)


def backprops_chain(value_class, n: int) -> bool:
    """Whether backward works on y = x * c * c * ... (n multiplications)."""
    x, c = value_class(1.0), value_class(1.0)
    y = x
    for _ in range(n):
        y = y * c
    try:
        y.backward()
    except RecursionError:
        return False
    return x.grad == 1.0


def longest_chain(value_class, upper: int) -> int:
    """The longest chain (up to ``upper``) that backward handles, by bisection."""
    if backprops_chain(value_class, upper):
        return upper
    good, bad = 0, upper
    while bad - good > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if backprops_chain(value_class, mid) else (good, mid)
    return good


def profile_ours(n_terms: int, top: int = 15) -> None:
    """cProfile of one build + backward of ours: the functions that take the most time."""
    profiler = cProfile.Profile()
    profiler.enable()
    mixed_expression(autograd.Value, n_terms)[1].backward()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="about this many nodes per graph")
    parser.add_argument("--repeats", type=int, default=5, help="timed training steps per engine and round")
    parser.add_argument("--rounds", type=int, default=2, help="times the engines take turns")
    parser.add_argument("--profile", action="store_true", help="end with a cProfile of ours")
    args = parser.parse_args()
    n_terms = max(1, args.nodes // NODES_PER_TERM)

    print(
        f"Python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}, "
        f"medians of {args.rounds} x {args.repeats} training steps per engine"
    )
    nodes = {
        name: count_nodes(mixed_expression(cls, n_terms)[1], parents_of)
        for name, (cls, parents_of) in ENGINES.items()
    }
    print("nodes per graph: " + ", ".join(f"{name} {n:,}" for name, n in nodes.items()))

    timings = median_timings(n_terms, args.repeats, args.rounds)
    print()
    print(f"{'ns per node (median)':<24}{'micrograd':>12}{'ours':>12}{'micrograd/ours':>18}")
    for row in ROWS:
        mg = timings["micrograd"][row] / nodes["micrograd"] * 1e9
        us = timings["ours"][row] / nodes["ours"] * 1e9
        ratio = f"{mg / us:>17.1f}x" if mg > 1 and us > 1 else f"{'-':>18}"
        print(f"{row:<24}{mg:>12,.0f}{us:>12,.0f}{ratio}")

    memory = {name: bytes_per_node(cls, parents_of, n_terms) for name, (cls, parents_of) in ENGINES.items()}
    mg, us = memory["micrograd"], memory["ours"]
    print(f"{'bytes per node':<24}{mg:>12,.0f}{us:>12,.0f}{mg / us:>17.1f}x")

    limit = sys.getrecursionlimit()
    chains = {
        "micrograd": longest_chain(MicrogradValue, 10 * limit),
        "ours": longest_chain(autograd.Value, OURS_CHAIN),
    }
    print(
        f"{'longest chain backprop':<24}{chains['micrograd']:>12,}{chains['ours']:>12,}"
        f"   (recursion limit {limit}; ours tried up to {OURS_CHAIN:,})"
    )
    print()
    print("drop: micrograd's nodes are reference cycles, so dropping frees nothing; the collector")
    print("frees them later, inside a build. Ours are freed at once, by reference counting.")
    print("Target (issue 2): ours at least 10x micrograd on build + backward together.")
    if args.profile:
        profile_ours(n_terms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
