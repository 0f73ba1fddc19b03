"""The batch tape against the scalar engine, micrograd and PyTorch, side by side in one run.

    python benchmarks/tape.py [--points 100] [--repeats 300] [--no-profile]

One full-batch training step of micrograd's demo: an MLP 2 -> 16 -> 16 -> 1 (ReLU, the
output linear) on 100 moons-like points, hinge loss + 1e-4 L2 over the parameters, SGD.
The network is built by hand from the engine alone (``autograd.Parameter`` weights, one
``autograd.sum`` per neuron), to time the tape without nn (``benchmarks/train_step.py``
has the rows through ``nn.fit``):

- scalar: the graph for all 100 examples, ``backward()``, the update;
- tape: ``autograd.trace`` of the per-example loss, once; then each step is
  ``forward`` + ``backward(reduce="mean")`` (into ``p.grad``) + the update;
- micrograd 0.1.0: its own MLP and the demo's loss;
- PyTorch (if installed): the same network as three matrix products, float64, 1 thread.

Figures are medians over the repeats. Then a forward pass of the tape over a 200 x 200
grid (a decision boundary), and a profile of the tape's step. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd  # noqa: E402

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4  # the L2 weight of micrograd's demo
LR = 0.1


def moons(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles with a little noise; labels -1 and +1 (as make_moons)."""
    rng = np.random.default_rng(seed)
    top = n // 2
    t = np.concatenate([np.linspace(0, np.pi, top), np.linspace(0, np.pi, n - top)])
    X = np.where(
        (np.arange(n) < top)[:, None],
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]),
    )
    y = np.where(np.arange(n) < top, -1.0, 1.0)
    return X + rng.normal(scale=0.1, size=X.shape), y


class HandMLP:
    """MLP(2, [16, 16, 1]) made of Parameters, one autograd.sum per neuron (weights, then the bias)."""

    def __init__(self, seed: int = 1):
        rng = random.Random(seed)
        self.layers = [
            [
                ([autograd.Parameter(rng.uniform(-1, 1)) for _ in range(n_in)], autograd.Parameter(0.0))
                for _ in range(n_out)
            ]
            for n_in, n_out in zip(SIZES, SIZES[1:])
        ]
        self.parameters = [p for layer in self.layers for w, b in layer for p in [*w, b]]

    def __call__(self, x):
        for k, layer in enumerate(self.layers):
            x = [autograd.sum([wi * xi for wi, xi in zip(w, x)] + [b]) for w, b in layer]
            if k < len(self.layers) - 1:
                x = [autograd.relu(v) for v in x]
        return x[0]

    def l2(self):
        return ALPHA * autograd.sum([p * p for p in self.parameters])


def scalar_step(model: HandMLP, X: np.ndarray, y: np.ndarray) -> float:
    """One step on the scalar engine: a graph for the whole batch."""
    losses = [autograd.relu(1 - float(yi) * model([float(a), float(b)])) for (a, b), yi in zip(X, y)]
    loss = autograd.sum(losses) * (1.0 / len(losses)) + model.l2()
    for p in model.parameters:
        p.grad = 0.0
    loss.backward()
    for p in model.parameters:
        p.data -= LR * p.grad
    return loss.data


def tape_for(model: HandMLP, X: np.ndarray) -> autograd.Tape:
    """The per-example loss relu(1 - y score) + L2, traced once; the target is the third input."""
    return autograd.trace(
        lambda x1, x2, y: autograd.relu(1 - y * model([x1, x2])) + model.l2(),
        n_inputs=3,
        examples=X[:2],
    )


def tape_step(tape: autograd.Tape, model: HandMLP, Xy: np.ndarray) -> float:
    """One step on the tape: forward, backward of the mean loss into p.grad, the update."""
    for p in model.parameters:
        p.grad = 0.0
    loss = tape.forward(Xy).mean()
    tape.backward(reduce="mean")
    for p in model.parameters:
        p.data -= LR * p.grad
    return loss


def micrograd_runner(X: np.ndarray, y: np.ndarray):
    from micrograd.nn import MLP

    random.seed(1)
    model = MLP(SIZES[0], SIZES[1:])
    inputs = [list(map(float, row)) for row in X]
    ys = [float(v) for v in y]

    def step() -> float:
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return loss.data

    return step


def torch_runner(X: np.ndarray, y: np.ndarray):
    import torch

    # One thread: for a network this small, a second thread only adds hand-offs, and on
    # a busy 2-core machine OpenMP's waiting threads make a step 100x slower.
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1)
    params = []
    for n_in, n_out in zip(SIZES, SIZES[1:]):
        params.append((torch.rand(n_in, n_out, generator=gen, dtype=torch.float64) * 2 - 1).requires_grad_())
        params.append(torch.zeros(n_out, dtype=torch.float64, requires_grad=True))
    tX, ty = torch.tensor(X), torch.tensor(y)

    def step() -> float:
        h = tX
        for k in range(0, len(params), 2):
            h = h @ params[k] + params[k + 1]
            if k < len(params) - 2:
                h = torch.relu(h)
        loss = torch.relu(1 - ty * h[:, 0]).mean() + ALPHA * sum((p * p).sum() for p in params)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss.item()

    return step, torch.__version__, torch.get_num_threads()


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} us"


def same_answer(X: np.ndarray, y: np.ndarray) -> float:
    """The largest relative difference between the tape's and the scalar engine's parameter gradients."""
    model = HandMLP()
    tape = tape_for(model, np.column_stack([X, y]))
    for p in model.parameters:
        p.grad = 0.0
    tape.forward(np.column_stack([X, y]))
    tape.backward(reduce="mean")
    by_tape = np.array([p.grad for p in model.parameters])
    losses = [autograd.relu(1 - float(yi) * model([float(a), float(b)])) for (a, b), yi in zip(X, y)]
    loss = autograd.sum(losses) * (1.0 / len(losses)) + model.l2()
    for p in model.parameters:
        p.grad = 0.0
    loss.backward()
    by_scalar = np.array([p.grad for p in model.parameters])
    return float(np.max(np.abs(by_tape - by_scalar)) / np.max(np.abs(by_scalar)))


def profile_tape(tape, model, Xy, steps: int = 300) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        tape_step(tape, model, Xy)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join(lines[start:]).replace(str(Path(__file__).resolve().parent.parent) + "/", "")


def phases(tape, model, Xy, repeats: int) -> dict:
    """Median time of each phase of a tape step."""
    out = {}
    out["read parameters + static groups"] = median_time(tape._run_static, repeats)
    out["forward (whole)"] = median_time(lambda: tape.forward(Xy), repeats)
    out["backward (whole)"] = median_time(lambda: tape.backward(reduce="mean", accumulate=False), repeats)

    def update():
        for p in model.parameters:
            p.grad = 0.0
        for p in model.parameters:
            p.data -= 0.0 * p.grad

    out["zero_grad + SGD update (Python loop over 337 parameters)"] = median_time(update, repeats)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=300, help="repeats for the fast rows (tape, torch)")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()

    X, y = moons(args.points)
    Xy = np.column_stack([X, y])
    model = HandMLP()
    tape = tape_for(model, Xy)
    print(f"MLP(2, [16, 16, 1]): {len(model.parameters)} parameters, {args.points} points, hinge + L2, SGD")
    print(repr(tape))
    print(tape.describe())
    print(f"tape vs scalar engine, parameter gradients: max relative difference {same_answer(X, y):.1e}\n")

    rows = {}
    rows["scalar engine"] = median_time(lambda: scalar_step(HandMLP(), X, y), max(3, args.repeats // 30))
    tape_step(tape, model, Xy)
    rows["tape"] = median_time(lambda: tape_step(tape, model, Xy), args.repeats)
    try:
        rows["micrograd 0.1.0"] = median_time(micrograd_runner(X, y), 3)
    except ImportError:
        print("micrograd is absent: .venv/bin/pip install micrograd==0.1.0")
    try:
        torch_step, version, threads = torch_runner(X, y)
        torch_step()
        rows[f"PyTorch {version} ({threads} thread{'s' * (threads > 1)})"] = median_time(
            torch_step, args.repeats
        )
    except ImportError:
        print("PyTorch is absent (optional reference): .venv/bin/pip install torch==2.13.0")

    print("one full-batch training step (median)")
    reference = rows.get("micrograd 0.1.0")
    for name, seconds in rows.items():
        ratio = f"{reference / seconds:9.1f}x micrograd" if reference else ""
        tape_ratio = f"{seconds / rows['tape']:8.2f}x the tape"
        print(f"  {name:34s} {fmt(seconds)}  {ratio}  {tape_ratio}")

    grid_axis = np.linspace(-2, 3, 200)
    grid = np.array(np.meshgrid(grid_axis, grid_axis)).reshape(2, -1).T
    predict = autograd.trace(lambda x1, x2: model([x1, x2]), n_inputs=2, examples=X[:2])
    with autograd.no_grad():
        grid_time = median_time(lambda: predict.forward(grid), 7)
    sample = grid[:400]
    scalar_sample = median_time(lambda: [model(list(map(float, row))).data for row in sample], 3)
    print(f"\ndecision boundary, forward over a 200 x 200 grid ({len(grid):,} rows, no_grad)")
    print(f"  tape                               {fmt(grid_time)}  (target: under 0.1 s)")
    slower = scalar_sample * 100 / grid_time
    print(f"  scalar engine (400 rows, x 100)    {fmt(scalar_sample * 100)}  {slower:9.0f}x the tape")

    print("\nwhere a tape step goes (medians)")
    for name, seconds in phases(tape, model, Xy, args.repeats).items():
        print(f"  {name:58s} {fmt(seconds)}")
    if not args.no_profile:
        print("\nprofile of 300 tape steps (cProfile, by own time; numpy's C calls count in their caller)")
        print(profile_tape(tape, model, Xy))


if __name__ == "__main__":
    main()
