"""``backprop-lab train``: train a network on a Playground data set and write its pictures.

    backprop-lab train --dataset spiral --noise 0.1 --features r,spiral --hidden 8,8 \\
        --activation tanh --optimizer adam --lr 0.01 --epochs 300 --batch-size 10 --seed 0 --out runs/spiral

makes the data set, splits it into training and test points, trains an MLP on the chosen
features with a progress bar, prints the final accuracies, and writes the model, the
history and the pictures into ``--out``, all at once (see ``viz.cli.output_folder``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from pathlib import Path

import matplotlib

import nn

from ..files import write_atomic
from ..graph import GraphvizNotFound, pipe
from ..network import draw_network
from ..plots import plot_decision_boundary, plot_gradient_flow, plot_history
from ..plots.figure_files import save_png
from . import output_folder
from .common import SCHEDULES, UsageError, argparse_error, print_error, schedule

COMMAND = "train"
FILES = {
    "model.json": "the trained model (load it with nn.load)",
    "history.csv": "loss, accuracy, learning rate and gradient norms per epoch",
    "decision_boundary.png": "the model's output over the (x1, x2) plane, training points on top",
    "history.png": "training and test loss and accuracy per epoch, learning rate on a second axis",
    "gradient_flow.png": "mean |gradient| per layer per epoch, log scale",
    "network.svg": "the network, Playground style: links by weight, each unit's picture over the plane",
    "run.json": "the options of this run and its final numbers",
}

EPILOG = """\
example (the lecture's spiral, with engineered features):
  backprop-lab train --dataset spiral --noise 0.1 --features r,spiral --hidden 8,8 --activation tanh \\
      --optimizer adam --lr 0.01 --epochs 300 --batch-size 10 --seed 0 --out runs/spiral

data sets:   {datasets}
features:    {features}
activations: {activations}

writes into --out:
{files}
"""


def add_parser(subparsers):
    # No line break inside one feature's text: its spaces are non-breaking while the list is wrapped.
    features = ", ".join(
        _feature_text(name, f.formula).replace(" ", "\xa0") for name, f in nn.data.FEATURES.items()
    )
    parser = subparsers.add_parser(
        "train",
        help="train a network on a Playground data set; write the model, its history and pictures",
        description="Train an MLP on one of TensorFlow Playground's data sets (with a progress bar), "
        "print the final training and test accuracy, and write the model, the training history and "
        "the pictures into a new folder.",
        epilog=EPILOG.format(
            datasets=", ".join(nn.data.DATASETS),
            features=textwrap.fill(features, 95, subsequent_indent=" " * 13).replace("\xa0", " "),
            activations=", ".join(nn.ACTIVATIONS),
            files="\n".join(f"  {name:<22} {what}" for name, what in FILES.items()),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", choices=list(nn.data.DATASETS), default="spiral", help="the data set")
    parser.add_argument("--points", type=_whole(4), default=400, metavar="N", help="how many points (400)")
    parser.add_argument(
        "--noise", type=_noise, default=0.1, help="noise, 0 to 0.5 as on the Playground (0.1)"
    )
    parser.add_argument(
        "--test-size",
        type=_fraction,
        default=0.25,
        metavar="F",
        help="the fraction held out for testing (0.25)",
    )
    parser.add_argument(
        "--features",
        type=_features,
        default="r,spiral",
        metavar="A,B,..",
        help="the inputs the network reads, computed from (x1, x2) (r,spiral; raw inputs: x1,x2)",
    )
    parser.add_argument(
        "--hidden",
        type=_hidden,
        default="8,8",
        metavar="W,W,..",
        help="hidden layer widths (8,8; none: no hidden layer)",
    )
    parser.add_argument(
        "--activation", choices=list(nn.ACTIVATIONS), default="tanh", help="of the hidden layers (tanh)"
    )
    parser.add_argument("--optimizer", choices=list(nn.optim.OPTIMIZERS), default="adam", help="(adam)")
    parser.add_argument("--lr", type=_rate, default=0.01, help="the learning rate (0.01)")
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default="none",
        help="learning-rate annealing: step (x0.3 at each third of the epochs), linear or cosine "
        "(down to 1%%) (none)",
    )
    parser.add_argument("--epochs", type=_whole(1), default=300, help="(300)")
    parser.add_argument(
        "--batch-size", type=_batch, default=10, metavar="N", help="examples per step, or 'full' (10)"
    )
    parser.add_argument(
        "--seed", type=_integer, default=0, help="for the data, the split and the weights (0)"
    )
    parser.add_argument(
        "--out", metavar="FOLDER", help="the folder to write (default: runs/DATASET); must not exist"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace --out if it is an earlier run of backprop-lab train (never any other folder)",
    )
    parser.set_defaults(run=run)
    parser.error = argparse_error(COMMAND)


def _feature_text(name: str, formula: str) -> str:
    if formula == name or formula.startswith(name + " "):
        return formula
    return f"{name} = {formula}"


def run(args) -> int:
    matplotlib.use("Agg")  # the command line draws into files, never onto a screen
    out = Path(args.out) if args.out else Path("runs") / args.dataset
    hint = "add --force to replace it, or choose another --out"
    regression = args.dataset in nn.data.REGRESSION
    try:
        output_folder.check(out, COMMAND, args.force, hint)
    except output_folder.FolderInUse as error:
        raise UsageError(f"--out {error}") from None
    X, y = nn.data.generate(args.dataset, args.points, args.noise, seed=args.seed)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, args.test_size, seed=args.seed)
    F_train, F_test = nn.data.features(X_train, args.features), nn.data.features(X_test, args.features)
    model = nn.MLP(len(args.features), [*args.hidden, 1], activation=args.activation, seed=args.seed)
    loss = "mse" if regression else "bce"
    split = f"{len(X_train)} training and {len(X_test)} test points"
    inputs = ",".join(args.features)
    print(f"training {_describe(model)} on {args.dataset} ({split}), features {inputs}, {loss} loss")
    try:
        history = nn.fit(
            model,
            F_train,
            y_train,
            loss=loss,
            optimizer=args.optimizer,
            lr=args.lr,
            epochs=args.epochs,
            batch_size=args.batch_size,
            schedule=schedule(args.schedule, args.epochs),
            validation=(F_test, y_test),
            seed=args.seed,
        )
        if len(history) == 0:
            print(
                "backprop-lab train: interrupted before the first epoch ended; nothing was written",
                file=sys.stderr,
            )
            return 130
        results = _results(model, history, loss, F_train, y_train, F_test, y_test)
        if history.interrupted:
            print(f"training interrupted after {len(history)} epochs; writing what was learned so far")
        with output_folder.building(out, COMMAND, args.force, hint) as folder:
            drawn = _write(folder, out, model, history, args, results, X_train, y_train)
    except output_folder.FolderInUse as error:
        raise UsageError(f"--out {error}") from None
    except KeyboardInterrupt:
        print("backprop-lab train: interrupted; nothing was written", file=sys.stderr)
        return 130
    for line in _report(results):
        print(line)
    print(f"wrote into {out}: {', '.join(name for name in FILES if name in drawn)}")
    if "network.svg" not in drawn:
        print_error(COMMAND, drawn["error"])
        return 1
    return 130 if history.interrupted else 0


def _results(model, history, loss, F_train, y_train, F_test, y_test) -> dict:
    """The final numbers: accuracy (classes) or loss (regression) on the training and test points."""
    results = {"epochs": len(history), "interrupted": history.interrupted}
    if loss == "mse":
        for part, F, t in (("train", F_train, y_train), ("test", F_test, y_test)):
            results[f"{part}_mse"] = float(((model.predict(F) - t) ** 2).mean())
    else:
        results["train_accuracy"] = nn.accuracy(model, F_train, y_train)
        results["test_accuracy"] = nn.accuracy(model, F_test, y_test)
    return results


def _report(results) -> list[str]:
    if "train_accuracy" in results:
        return [
            f"train accuracy: {results['train_accuracy']:.1%}",
            f"test accuracy:  {results['test_accuracy']:.1%}",
        ]
    return [f"train loss (mse): {results['train_mse']:.4g}", f"test loss (mse):  {results['test_mse']:.4g}"]


def _write(folder: Path, folder_name: Path, model, history, args, results, X_train, y_train) -> dict:
    """Every file of FILES into ``folder``; returns {name: path}, and 'error' if the SVG could not be made."""
    written = {}
    model.save(folder / "model.json")
    written["model.json"] = folder / "model.json"
    history.to_csv(folder / "history.csv")
    written["history.csv"] = folder / "history.csv"
    title = _title(args, results)
    ax = plot_decision_boundary(model, X_train, y_train, features=args.features, resolution=150, title=title)
    written["decision_boundary.png"] = save_png(ax.figure, folder / "decision_boundary.png")
    written["history.png"] = save_png(plot_history(history), folder / "history.png")
    written["gradient_flow.png"] = save_png(plot_gradient_flow(history).figure, folder / "gradient_flow.png")
    options = {k: v for k, v in vars(args).items() if k not in ("run", "command")}
    options["out"] = str(folder_name)
    document = {"format": "backprop-lab run", "options": options, "results": results}
    written["run.json"] = write_atomic(folder / "run.json", json.dumps(document, indent=1) + "\n")
    graph = draw_network(model, X=X_train, features=args.features)
    try:
        written["network.svg"] = write_atomic(
            folder / "network.svg", pipe(graph, "svg", folder / "network.dot")
        )
    except GraphvizNotFound as error:
        written["error"] = str(error)
    return written


def _title(args, results) -> str:
    head = f"{args.dataset}, features {','.join(args.features)}"
    if "train_accuracy" in results:
        return f"{head}\ntrain {results['train_accuracy']:.1%}, test {results['test_accuracy']:.1%}"
    return f"{head}\ntest mse {results['test_mse']:.3g}"


def _describe(model) -> str:
    return f"MLP({model.nin}, {model.sizes}, {model.layers[0].activation})"


# Option types: each raises ArgumentTypeError with what was expected; argparse adds the option's name.
def _whole(minimum: int):
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or n < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return n

    parse.__name__ = "whole number"
    return parse


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _number(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    return x


def _noise(text: str) -> float:
    x = _number(text)
    if not 0.0 <= x <= 0.5:
        raise argparse.ArgumentTypeError(
            f"expected a number from 0 to 0.5 (the Playground's 0% to 50%), got {text!r}"
        )
    return x


def _fraction(text: str) -> float:
    x = _number(text)
    if not 0.0 < x < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return x


def _rate(text: str) -> float:
    x = _number(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"expected a learning rate > 0, got {text!r}")
    return x


def _batch(text: str):
    if text.strip().lower() == "full":
        return None
    return _whole(1)(text)


def _features(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    try:
        nn.data.features([[0.0, 0.0]], names)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return names


def _hidden(text: str) -> list[int]:
    if text.strip().lower() in ("", "none", "0"):
        return []
    widths = []
    for part in text.split(","):
        try:
            w = int(part)
        except ValueError:
            w = 0
        if w < 1:
            raise argparse.ArgumentTypeError(f"expected layer widths such as 8,8 (or none), got {text!r}")
        widths.append(w)
    return widths
