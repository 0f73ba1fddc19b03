"""The engine against Karpathy's micrograd, side by side in one run.

    python benchmarks/engine.py [--nodes 100000] [--repeats 5] [--rounds 2] [--shape NAME]
                                [--no-chain] [--json] [--profile]

Both engines build the same wide, shallow expression (many small terms of shared inputs,
reduced by a pairwise tree of additions) from the ops both have: + * ** relu and plain
numbers. micrograd 0.1.0 has no tanh or exp, and its - and / are made of + * **, so the
expressions stick to ops both engines have. Shallow matters: micrograd's topological
sort is recursive and would fail on a deep graph. Two shapes (``--shape``, both by
default): "mixed", relu((xi * xj + c) ** 2) * d, and "plain numbers", xi * c + xj * d,
the shape of a weighted sum written with numbers (``v * 0.5 + w * 0.49``), where every
number is an operand. Figures per node count the nodes of the expression as micrograd
builds it (a Value per number), so an engine that makes fewer nodes for the same
expression shows it as time and bytes saved.

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
import json
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
    return xs, balanced_sum(terms)


def plain_numbers_expression(value_class, n_terms: int, seed: int = 0):
    """sum over terms of xi * c + xj * d, for random inputs i, j and numbers c, d (``v * 0.5 + w * 0.49``).

    Every term is 5 nodes as micrograd builds it (2 of them the numbers c and d as
    leaves), added in a balanced tree like the mixed shape.
    """
    rng = random.Random(seed)
    xs = [value_class(rng.uniform(-1.0, 1.0)) for _ in range(N_INPUTS)]
    terms = []
    for _ in range(n_terms):
        a, b = xs[rng.randrange(N_INPUTS)], xs[rng.randrange(N_INPUTS)]
        terms.append(a * rng.uniform(0.5, 1.5) + b * rng.uniform(0.5, 1.5))
    return xs, balanced_sum(terms)


SHAPES = {"mixed": (mixed_expression, 8), "plain numbers": (plain_numbers_expression, 6)}
"""name: (expression builder, nodes per term with its share of the reduction tree)."""


def balanced_sum(terms):
    """terms added in pairs, then pairs of pairs: a tree about log2(len(terms)) deep."""
    while len(terms) > 1:
        paired = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        if len(terms) % 2:
            paired.append(terms[-1])
        terms = paired
    return terms[0]


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


def training_steps(expression, value_class, n_terms: int, steps: int) -> dict:
    """Seconds to build, to backprop and to drop the graph, for each of ``steps`` steps.

    Starts from a collected heap, so one engine's garbage does not slow the other down,
    and takes one untimed step first, so every timed step finds the garbage of a previous
    one, as in a training loop.
    """
    gc.collect()
    expression(value_class, n_terms, seed=-1)[1].backward()
    rows = {"build": [], "  of which cyclic GC": [], "backward": [], "drop": []}
    for r in range(steps):
        with CollectorClock() as collector:
            t0 = clock()
            xs, out = expression(value_class, n_terms, seed=r)
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


def median_timings(expression, n_terms: int, repeats: int, rounds: int) -> dict:
    """Median seconds per row and engine; the engines take turns, ``rounds`` times.

    Taking turns spreads any change in the machine's load over both engines.
    """
    steps = {name: {} for name in ENGINES}
    for _ in range(rounds):
        for name, (cls, _) in ENGINES.items():
            for row, seconds in training_steps(expression, cls, n_terms, repeats).items():
                steps[name].setdefault(row, []).extend(seconds)
    return {name: {row: statistics.median(s) for row, s in rows.items()} for name, rows in steps.items()}


ROWS = ("build", "  of which cyclic GC", "backward", "build + backward", "drop", "whole step")


def bytes_held(expression, value_class, n_terms: int) -> float:
    """Memory the live graph holds (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    xs, out = expression(value_class, n_terms)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held


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


def profile_ours(expression, n_terms: int, top: int = 15) -> None:
    """cProfile of one build + backward of ours: the functions that take the most time."""
    profiler = cProfile.Profile()
    profiler.enable()
    expression(autograd.Value, n_terms)[1].backward()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def measure(shape: str, n_nodes: int, repeats: int, rounds: int) -> dict:
    """The figures of one shape: node counts, ns per node of each row, bytes per node."""
    expression, nodes_per_term = SHAPES[shape]
    n_terms = max(1, n_nodes // nodes_per_term)
    nodes = {name: count_nodes(expression(c, n_terms)[1], parents) for name, (c, parents) in ENGINES.items()}
    per = nodes["micrograd"]  # the expression's nodes, a Value per number as micrograd makes them
    timings = median_timings(expression, n_terms, repeats, rounds)
    return {
        "shape": shape,
        "nodes": nodes,
        "ns_per_node": {name: {row: timings[name][row] / per * 1e9 for row in ROWS} for name in ENGINES},
        "bytes_per_node": {e: bytes_held(expression, c, n_terms) / per for e, (c, _) in ENGINES.items()},
    }


def print_shape(figures: dict) -> None:
    nodes = figures["nodes"]
    print(f"\n{figures['shape']}: nodes per graph " + ", ".join(f"{name} {n:,}" for name, n in nodes.items()))
    print(f"{'ns per node (median)':<24}{'micrograd':>12}{'ours':>12}{'micrograd/ours':>18}")
    for row in ROWS:
        mg, us = (figures["ns_per_node"][name][row] for name in ("micrograd", "ours"))
        ratio = f"{mg / us:>17.1f}x" if mg > 1 and us > 1 else f"{'-':>18}"
        print(f"{row:<24}{mg:>12,.0f}{us:>12,.0f}{ratio}")
    mg, us = (figures["bytes_per_node"][name] for name in ("micrograd", "ours"))
    print(f"{'bytes per node':<24}{mg:>12,.0f}{us:>12,.0f}{mg / us:>17.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="about this many nodes per graph")
    parser.add_argument("--repeats", type=int, default=5, help="timed training steps per engine and round")
    parser.add_argument("--rounds", type=int, default=2, help="times the engines take turns")
    parser.add_argument("--shape", choices=list(SHAPES), action="append", help="the graph (default: all)")
    parser.add_argument("--no-chain", action="store_true", help="skip the longest-chain search")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON document instead")
    parser.add_argument("--profile", action="store_true", help="end with a cProfile of ours")
    args = parser.parse_args()
    shapes = args.shape or list(SHAPES)

    header = {
        "python": sys.version.split()[0],
        "gc_threshold": list(gc.get_threshold()),
        "repeats": args.repeats,
        "rounds": args.rounds,
    }
    results = [measure(shape, args.nodes, args.repeats, args.rounds) for shape in shapes]
    if args.json:
        print(json.dumps({**header, "shapes": results}))
        return 0
    print(
        f"Python {header['python']}, gc thresholds {gc.get_threshold()}, "
        f"medians of {args.rounds} x {args.repeats} training steps per engine; "
        "per node = per node of the expression as micrograd builds it"
    )
    for figures in results:
        print_shape(figures)

    if not args.no_chain:
        limit = sys.getrecursionlimit()
        chains = {
            "micrograd": longest_chain(MicrogradValue, 10 * limit),
            "ours": longest_chain(autograd.Value, OURS_CHAIN),
        }
        print(
            f"\n{'longest chain backprop':<24}{chains['micrograd']:>12,}{chains['ours']:>12,}"
            f"   (recursion limit {limit}; ours tried up to {OURS_CHAIN:,})"
        )
    print()
    print("drop: micrograd's nodes are reference cycles, so dropping frees nothing; the collector")
    print("frees them later, inside a build. Ours are freed at once, by reference counting.")
    print("Target (issue 16): ours at least 15x micrograd on build + backward, at most 120 bytes per node.")
    if args.profile:
        profile_ours(SHAPES[shapes[0]][0], max(1, args.nodes // SHAPES[shapes[0]][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
