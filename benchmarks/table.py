"""The speed table the README quotes, in one run: ``make speed`` (``python -m benchmarks.table``).

    .venv/bin/python -m benchmarks.table [--pythons 3.10 3.11 3.12 3.13] [--repeats 3] [--steps 5]

1. The engine benchmark (``benchmarks/engine.py``, both shapes, 100,000 nodes, build +
   backward with the cyclic garbage collector on) on every Python found under pyenv, so
   the table shows what each version's collector does. Each version runs in its own venv
   under ``.bench-venvs/`` (git-ignored; made on the first run, with ``micrograd==0.1.0``
   and numpy; the project itself is imported from this checkout).
2. One training step of micrograd's demo (``benchmarks/train_step.py``) on this Python:
   micrograd, a hand-written loop in the notebooks' style, ``nn.fit`` on the scalar engine
   and on the tape, and vectorised PyTorch when it is installed; then the time of a new
   model's first ``nn.fit(epochs=1)`` call on the tape (tracing and checks included, the
   model made before the clock starts; target of issue 16: under 10 ms).

Every ratio is against a reference measured in the same run. A few minutes; nothing is
asserted. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".bench-venvs"
PYENV = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser() / "versions"
REQUIREMENTS = ("micrograd==0.1.0", "numpy")
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def installed_python(version: str) -> Path | None:
    """The newest pyenv interpreter of a version such as "3.12" (None when there is none)."""
    found = sorted(
        (p for p in PYENV.glob(f"{version}.*") if (p / "bin" / "python3").exists()),
        key=lambda p: [int(part) if part.isdigit() else -1 for part in p.name.split(".")],
    )
    return found[-1] / "bin" / "python3" if found else None


def bench_venv(interpreter: Path) -> Path:
    """The python of ``.bench-venvs/<version>``, made with REQUIREMENTS if missing."""
    venv = VENVS / interpreter.parent.parent.name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.exists():
        print(f"  making {venv.relative_to(ROOT)} ({', '.join(REQUIREMENTS)}) ...", flush=True)
        subprocess.run([str(interpreter), "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
        stamp.touch()
    return python


def engine_figures(python: Path, repeats: int, rounds: int) -> dict:
    """benchmarks/engine.py's figures (both shapes) under ``python``."""
    command = [str(python), str(ROOT / "benchmarks" / "engine.py"), "--json", "--no-chain"]
    command += ["--repeats", str(repeats), "--rounds", str(rounds)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout)


def print_engine_table(results: list[dict]) -> None:
    print("\nEngine: build + backward of a 100,000-node expression, ns per node of the expression")
    print("(collector on; GC: the cyclic collector's share of the build; bytes per node of the live graph)\n")
    print(
        f"{'Python':<8} {'shape':<14} {'micrograd':>10} {'ours':>7} {'ratio':>7}"
        f" {'GC mg':>7} {'GC ours':>8} {'bytes mg':>9} {'bytes ours':>11}"
    )
    for result in results:
        for shape in result["shapes"]:
            ns, memory = shape["ns_per_node"], shape["bytes_per_node"]
            mg, us = ns["micrograd"]["build + backward"], ns["ours"]["build + backward"]
            gc_mg, gc_us = (ns[e]["  of which cyclic GC"] / ns[e]["build"] for e in ("micrograd", "ours"))
            print(
                f"{result['python']:<8} {shape['shape']:<14} {mg:>10,.0f} {us:>7,.0f} {mg / us:>6.1f}x"
                f" {gc_mg:>7.0%} {gc_us:>8.0%} {memory['micrograd']:>9,.0f} {memory['ours']:>11,.0f}"
            )


def print_train_table(steps: int) -> None:
    import nn
    from benchmarks import train_step

    X, y = nn.data.moons(100, noise=0.1, seed=1337)
    print(f"\nTraining step of micrograd's demo, Python {platform.python_version()}: MLP(2, [16, 16, 1]),")
    print(f"100 moons, hinge + L2, SGD; collector on; median CPU time of {steps} turns\n")
    results = train_step.time_rows(train_step.ROWS, X, y, steps)
    reference, torch = results.get(train_step.REFERENCE), results.get(train_step.TORCH)
    width = max(len(name) for name in results)
    print(f"{'':<{width}}  {'per step':>11}  {'vs micrograd':>13}  {'vs PyTorch':>11}")
    for name, seconds in results.items():
        vs_mg = f"{reference / seconds:>12,.0f}x" if reference else f"{'-':>13}"
        vs_torch = f"{seconds / torch:>10.2f}x" if torch else f"{'absent':>11}"
        print(f"{name:<{width}}  {train_step.fmt(seconds):>11}  {vs_mg}  {vs_torch}")
    first = statistics.median(first_fit_call(X, y) for _ in range(max(steps, 5)))
    label = "the tape: a new model's first nn.fit(epochs=1) call"
    print(f"{label:<{width}}  {train_step.fmt(first):>11}")


def first_fit_call(X, y) -> float:
    """CPU seconds of one nn.fit(epochs=1) call on a new model: trace, checks and one step."""
    import nn
    from benchmarks import train_step

    model = train_step.demo_model()
    loss, optimizer = train_step.demo_loss(model), nn.SGD(model.parameters(), lr=train_step.LR)
    start = train_step.clock()
    history = nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=1, progress=False)
    seconds = train_step.clock() - start
    if history.engine != "tape":
        raise RuntimeError(f"nn.fit did not pick the tape: {history.engine_reason}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="*", default=list(VERSIONS), help="pyenv versions for the engine")
    parser.add_argument("--repeats", type=int, default=3, help="engine: timed steps per engine (default 3)")
    parser.add_argument("--rounds", type=int, default=1, help="engine: turns of the engines (default 1)")
    parser.add_argument("--steps", type=int, default=5, help="training step: turns per row (default 5)")
    args = parser.parse_args(argv)

    print(f"Speed table, {platform.machine()} with {os.cpu_count()} cores; CPU seconds of the benchmarks")
    results = []
    for version in args.pythons:
        interpreter = installed_python(version)
        if interpreter is None:
            print(f"  Python {version}: not under {PYENV}, left out")
            continue
        results.append(engine_figures(bench_venv(interpreter), args.repeats, args.rounds))
    print_engine_table(results)
    print_train_table(args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
