"""One full-batch training step of micrograd's demo, side by side: micrograd, this project's engines, PyTorch.

    python benchmarks/train_step.py [--repeats 7] [--profile]

The step: MLP(2, [16, 16, 1]) (ReLU hidden layers, linear output) on 100 moons (noise
0.1), hinge loss + 1e-4 * sum(p^2) over all parameters, backward, one SGD update: the
body of micrograd's demo.ipynb training loop, and the same for every row. Each row is a
``Row(name, setup, step, steps)``: ``setup(X, y)`` builds the model and returns the
state that ``step(state)`` needs, and one call of ``step`` makes ``steps`` training
steps, so adding an engine is adding a row. The rows:

- micrograd 0.1.0, as in its demo (the reference of the ratios);
- backprop-lab's scalar engine in a hand-written loop, as the notebooks teach it:
  forward, loss, ``zero_grad``, ``backward``, a plain SGD update, collector on, no
  special call (what a user's own loop costs);
- backprop-lab's scalar engine through ``nn.fit(engine="scalar")``, one call per step;
- backprop-lab's batch tape through ``nn.fit`` (``engine="auto"`` picks the tape here):
  one call per step (``epochs=1``: fit's own set-up counts in every step), and one call
  of 100 epochs (the cost of a step in a training run);
- the raw tape: ``autograd.trace`` of the per-example loss, then ``forward``,
  ``backward(reduce="mean")`` and a plain SGD loop, without fit;
- vectorised PyTorch (if installed, an optional reference): the same network as three
  matrix products, float64, one thread.

After one warm-up call per row, the rows take turns, one call each per repeat (so a
change in the machine's load hits them all alike), with the cyclic garbage collector on
as in a user's training loop (no gc.collect() between steps); a fast row makes several
calls per turn (about 50 ms of them) and counts their mean. Times are CPU seconds of
this process (``time.process_time``): other programs on a shared machine barely move
them; every row is single-threaded. The figure is the median per row; the ratios are
micrograd's median over the row's, and the row's over PyTorch's. Then: a forward pass
over a 200 x 200 grid with ``model.predict`` (a decision boundary), and with
``--profile`` where the time of a step through ``nn.fit``'s tape goes.
Nothing is asserted: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402

clock = time.process_time

ALPHA = 1e-4  # the L2 penalty of micrograd's demo
LR = 0.01  # a fixed, small rate, so that repeated steps stay in the same regime
TURN = 0.05  # seconds of calls per turn for a fast row
EPOCHS = 100  # the epochs of the "training run" row


@dataclass
class Row:
    """A row of the table: ``step(setup(X, y))`` makes ``steps`` training steps."""

    name: str
    setup: object
    step: object
    steps: int = 1


def demo_model():
    return nn.MLP(2, [16, 16, 1], init="uniform", seed=1337)


def demo_loss(model):
    params = model.parameters()

    def loss(outputs, targets):
        return nn.hinge(outputs, targets) + nn.l2(params, ALPHA)

    return loss


def fit_setup(engine):
    def setup(X, y):
        model = demo_model()
        loss, optimizer = demo_loss(model), nn.SGD(model.parameters(), lr=LR)
        history = nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=1, progress=False, engine=engine)
        if engine == "auto" and history.engine != "tape":
            raise RuntimeError(f"nn.fit did not pick the tape: {history.engine_reason}")
        return model, X, y, loss, optimizer

    return setup


def fit_step(engine, epochs=1):
    def step(state):
        model, X, y, loss, optimizer = state
        nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=epochs, progress=False, engine=engine)

    return step


def hand_loop_setup(X, y):
    model = demo_model()
    return model, model.parameters(), X, y


def hand_loop_step(state):
    """A training step as the notebooks write it: forward, loss, zero_grad, backward, p -= lr * grad."""
    model, params, X, y = state
    scores = model.forward_batch(X)
    loss = nn.hinge(scores, y) + nn.l2(params, ALPHA)
    model.zero_grad()
    loss.backward()
    for p in params:
        p.data -= LR * p.grad


def raw_tape_setup(X, y):
    """The per-example loss relu(1 - t s) + L2 of nn's model, traced once; the target t is the third input."""
    model = demo_model()
    params = model.parameters()

    def per_example(x1, x2, t):
        return autograd.relu(1 - t * model([x1, x2])[0]) + nn.l2(params, ALPHA)

    Xt = np.column_stack([X, 2 * y - 1])
    return autograd.trace(per_example, n_inputs=3, examples=Xt[:2]), params, Xt


def raw_tape_step(state):
    tape, params, Xt = state
    for p in params:
        p.grad = 0.0
    tape.forward(Xt)
    tape.backward(reduce="mean")
    for p in params:
        p.data -= LR * p.grad


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


def torch_setup(X, y):
    import torch

    # One thread: for a network this small, a second thread only adds hand-offs, and on
    # a busy 2-core machine OpenMP's waiting threads make a step 100x slower.
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1337)
    params = []
    for n_in, n_out in [(2, 16), (16, 16), (16, 1)]:
        params.append((torch.rand(n_in, n_out, generator=gen, dtype=torch.float64) * 2 - 1).requires_grad_())
        params.append(torch.zeros(n_out, dtype=torch.float64, requires_grad=True))
    return torch, params, torch.tensor(X), torch.tensor(2.0 * y - 1)


def torch_step(state):
    torch, params, tX, ty = state
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


REFERENCE = "micrograd 0.1.0"
TORCH = "PyTorch, vectorised (1 thread)"

ROWS = [
    Row(REFERENCE, micrograd_setup(inputs_as_floats=True), micrograd_step),
    Row("micrograd 0.1.0, numpy inputs (its demo)", micrograd_setup(inputs_as_floats=False), micrograd_step),
    Row("backprop-lab, scalar engine, hand-written loop", hand_loop_setup, hand_loop_step),
    Row("backprop-lab, scalar engine (nn.fit)", fit_setup("scalar"), fit_step("scalar")),
    Row("backprop-lab, tape (nn.fit, epochs=1 per step)", fit_setup("auto"), fit_step("auto")),
    Row(f"backprop-lab, tape (nn.fit, {EPOCHS} epochs)", fit_setup("auto"), fit_step("auto", EPOCHS), EPOCHS),
    Row("backprop-lab, raw tape (trace, forward, backward)", raw_tape_setup, raw_tape_step),
    Row(TORCH, torch_setup, torch_step),
]
"""The rows, in the order they are printed: add one here to compare another engine."""


def time_rows(rows, X, y, repeats):
    """{name: median CPU seconds of one training step}; rows whose setup cannot import are left out."""
    states = {}
    for row in rows:
        try:
            state = row.setup(X, y)
        except ImportError as error:
            if row.name == TORCH:
                print("PyTorch is absent (an optional reference): .venv/bin/pip install torch==2.13.0")
            else:
                print(f"skipped {row.name}: {error}")
            continue
        start = clock()
        row.step(state)  # warm-up; its time says how many calls make a turn
        calls = max(1, int(TURN / max(clock() - start, 1e-6)))
        states[row.name] = (row, state, calls)
    times = {name: [] for name in states}
    gc.collect()
    for _ in range(repeats):
        for name, (row, state, calls) in states.items():
            # No gc.collect() between steps: a training loop does not call it, and
            # micrograd's time is mostly the collector finding each step's garbage cycles.
            start = clock()
            for _ in range(calls):
                row.step(state)
            times[name].append((clock() - start) / (calls * row.steps))
    return {name: statistics.median(t) for name, t in times.items()}


def same_answer(X, y) -> float:
    """The largest relative difference between a tape step's parameter gradients and the scalar step's."""
    model = demo_model()
    loss = demo_loss(model)
    nn.ENGINES["scalar"](model, X, y, loss)
    scalar = np.array([p.grad for p in model.parameters()])
    nn.ENGINES["tape"](model, X, y, loss)
    tape = np.array([p.grad for p in model.parameters()])
    return float(np.max(np.abs(tape - scalar)) / np.max(np.abs(scalar)))


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} us"


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def decision_boundary(X, y) -> None:
    """A 200 x 200 grid through model.predict: the first call traces, later ones reuse the tape."""
    model = demo_model()
    nn.fit(model, X, y, loss=demo_loss(model), epochs=20, lr=0.1, progress=False)
    axis = np.linspace(-2.0, 3.0, 200)
    grid = np.array(np.meshgrid(axis, axis)).reshape(2, -1).T
    start = clock()
    model.predict(grid)
    first = clock() - start
    cached = median_time(lambda: model.predict(grid), 7)
    sample = grid[:: len(grid) // 400]
    model.eval()
    with autograd.no_grad():
        scalar = median_time(lambda: model.forward_batch(sample), 3) * len(grid) / len(sample)
    print(f"\ndecision boundary: model.predict over a 200 x 200 grid ({len(grid):,} rows), target < 0.1 s")
    print(f"  tape, first call (traces the model)        {fmt(first)}")
    print(f"  tape, later calls (the cached tape)        {fmt(cached)}")
    print(f"  scalar engine (400 rows, scaled up)        {fmt(scalar)}  {scalar / cached:8.0f}x the tape")


def profile_fit(X, y, steps: int = 300) -> None:
    """Where a step through nn.fit's tape goes: its phases, then cProfile by own time."""
    model = demo_model()
    loss = demo_loss(model)
    optimizer = nn.SGD(model.parameters(), lr=LR)
    step = fit_step("auto")
    run_100 = fit_step("auto", epochs=100)
    state = model, X, y, loss, optimizer
    step(state)
    entry = nn.engines.tape.prepare(model, loss, X, y)
    Z = entry.inputs(X, y, entry.draw_masks(len(X)))  # no Dropout here: masks of width 0
    seed = entry._seed(len(X))
    tape = entry.tape
    layer_weights = nn.metrics.weights_by_layer(model)
    phases = {
        "nn.fit(epochs=1), the whole call": lambda: step(state),
        "  fit's set-up: checks, walk of the model, tape from the cache": lambda: nn.fit(
            model, X, y, loss=loss, optimizer=optimizer, epochs=0, progress=False
        ),
        "  tape.forward (loss and outputs of 100 rows)": lambda: tape.forward(Z),
        "  tape.backward (into every p.grad)": lambda: tape.backward(seed, reduce="mean"),
        "  optimizer.step (SGD over 337 parameters)": optimizer.step,
        "  gradient-flow figures (mean |grad| per layer)": lambda: nn.metrics.mean_abs_grads(layer_weights),
    }
    print(f"\nwhere a step through nn.fit's tape goes (medians of {steps})")
    per_epoch = median_time(lambda: run_100(state), max(3, steps // 100)) / 100
    print(f"  {'nn.fit(epochs=100), per epoch (the training run)':64s} {fmt(per_epoch)}")
    for name, fn in phases.items():
        print(f"  {name:64s} {fmt(median_time(fn, steps))}")
    print(f"  ({tape.n_groups} array operations each way: {repr(tape)})")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step(state)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(16)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print(f"\nprofile of {steps} calls of nn.fit(epochs=1) on the tape")
    print("(cProfile, by own time; numpy's C calls count in their caller)")
    print("\n".join(lines[start:]).replace(str(ROOT) + "/", ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="turns per row (default 7)")
    parser.add_argument("--profile", action="store_true", help="where a step through nn.fit's tape goes")
    args = parser.parse_args(argv)
    X, y = nn.data.moons(100, noise=0.1, seed=1337)
    print(f"One training step of MLP(2, [16, 16, 1]) on 100 moons, hinge + L2, SGD: median of {args.repeats}")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; CPU seconds")
    print(f"tape vs scalar engine, parameter gradients: max relative difference {same_answer(X, y):.1e}\n")
    results = time_rows(ROWS, X, y, args.repeats)
    width = max(len(name) for name in results)
    print(f"{'':<{width}}  {'per step':>11}  {'vs micrograd':>13}  {'vs PyTorch':>11}")
    for name, seconds in results.items():
        ratio = results[REFERENCE] / seconds if REFERENCE in results else float("nan")
        torch = f"{seconds / results[TORCH]:9.2f}x" if TORCH in results else f"{'absent':>10}"
        print(f"{name:<{width}}  {fmt(seconds):>11}  {ratio:>12.0f}x  {torch:>11}")
    decision_boundary(X, y)
    if args.profile:
        profile_fit(X, y)
    return 0


if __name__ == "__main__":
    sys.exit(main())
