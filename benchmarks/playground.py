"""The live Playground's refresh, in a kernel without a browser: training and drawing, side by side.

    python benchmarks/playground.py [--points 500] [--refreshes 30] [--epochs-per-refresh 1]

The set-up is the Playground's default: 500 points (circle), hidden layers [4, 2], tanh,
batch size 10, half the points for training. One refresh of ``viz.Playground`` while it
plays is ``epochs_per_refresh`` epochs of training on the batch tape (the ``Session``'s
``step``) and one redraw of every view (``Playground.refresh``: the plane's heat map as a
PNG under SVG points, the loss curves and the network diagram with a picture per unit, as
SVG text). The reference row draws the same plane (same grid) the static way, a fresh matplotlib
``viz.plot_decision_boundary`` rendered to PNG bytes per refresh; the ratio is its time
over the live redraw's. The widgets' messages to the browser are not counted (no kernel
here); the figure to read is refreshes per second = 1 / (training + drawing), target >= 10.
Times are wall-clock medians (``time.perf_counter``). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import viz  # noqa: E402
from viz.live.session import GRID  # noqa: E402


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def matplotlib_refresh(playground) -> None:
    """The static way: a new decision-boundary figure rendered to PNG bytes."""
    s = playground.session
    fig, ax = plt.subplots(figsize=(4, 4), dpi=75)
    features = list(s.config.features)
    viz.plot_decision_boundary(s.model, s.X_train, s.y_train, features=features, ax=ax, resolution=GRID)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--epochs-per-refresh", type=int, default=1)
    args = parser.parse_args()
    playground = viz.Playground(points=args.points, epochs_per_refresh=args.epochs_per_refresh)
    s = playground.session
    print(
        f"Python {platform.python_version()} on {platform.machine()}; {args.points} points, "
        f"hidden {list(s.config.network_shape)}, {s.config.activation}, batch {s.config.batch_size}, "
        f"{len(s.X_train)} training points, {args.epochs_per_refresh} epoch(s) per refresh"
    )

    def train():
        for _ in range(args.epochs_per_refresh):
            s.step()

    train()  # warm-up: the tape is traced once
    playground.refresh()
    training = median_seconds(train, args.refreshes)
    drawing = median_seconds(playground.refresh, args.refreshes)
    reference = median_seconds(lambda: matplotlib_refresh(playground), max(5, args.refreshes // 3))
    total = training + drawing
    print(f"training   {training * 1e3:8.2f} ms per refresh")
    print(
        f"drawing    {drawing * 1e3:8.2f} ms per refresh (matplotlib plane alone: {reference * 1e3:.2f} ms, "
        f"{reference / drawing:.1f}x the live redraw)"
    )
    print(f"refresh    {total * 1e3:8.2f} ms: {1 / total:.1f} refreshes per second (target >= 10)")
    played = median_seconds(lambda: playground.train(args.epochs_per_refresh), args.refreshes)
    print(
        f"one turn of Play's loop (train + refresh + widget updates): {played * 1e3:.2f} ms, "
        f"{1 / played:.1f} per second"
    )


if __name__ == "__main__":
    main()
