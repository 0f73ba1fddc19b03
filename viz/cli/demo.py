"""``backprop-lab demo``: the first thing a new user runs, the whole lecture in one folder.

    backprop-lab demo --out demo-out

draws the lecture's example graph and its step-by-step player, one neuron's graph, the
gallery of activations, the spiral in three coordinate systems, a network trained on the
raw spiral next to one neuron trained on engineered features, and the vanishing-gradient
comparison, then writes an index.html that shows them all with a sentence each. The
folder is built aside and renamed into place at the end (``viz.cli.output_folder``), so it
is complete or absent; running the demo again replaces the folder it made before.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

import autograd
import nn

from ..files import write_atomic
from ..graph import GraphvizNotFound, pipe, render
from ..network import draw_network
from ..plots import (
    plot_activations,
    plot_decision_boundary,
    plot_feature_space,
    plot_gradient_flow,
    plot_history,
)
from ..plots.figure_files import save_png
from ..steps import save_steps_html
from . import demo_page, output_folder
from .common import UsageError, argparse_error, print_error, schedule

COMMAND = "demo"
FEATURES = ["r", "spiral"]
SIGMOID, RELU = "#c0392b", "#1e8449"  # red and green: the comparison is not about the two classes


@dataclass(frozen=True)
class Sizes:
    """How big the demo's data and trainings are (the quick sizes only check that everything runs)."""

    points: int  # spiral points (a quarter held out for testing)
    raw_hidden: tuple  # the hidden layers of the network trained on (x1, x2)
    raw_epochs: int
    feature_epochs: int  # the single neuron on (r, spiral)
    deep_layers: int  # hidden layers of the vanishing-gradient networks
    resolution: int  # grid points per side of the decision-boundary pictures
    picture: int  # grid points per side of the network diagram's pictures


FULL = Sizes(400, (8, 8), 200, 100, 8, 200, 24)
QUICK = Sizes(40, (3,), 2, 2, 3, 12, 6)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="the whole lecture in one folder: graphs, backprop step by step, training pictures, index.html",
        description="Make every picture of the lecture into one folder and an index.html that shows them "
        "(about a minute): the example graph and its backprop player, one neuron, the activations, the "
        "spiral trained on raw and on engineered features, and vanishing gradients.",
    )
    parser.add_argument(
        "--out",
        default="demo-out",
        metavar="FOLDER",
        help="the folder to write (default: demo-out). Running the demo again REPLACES the folder an earlier "
        "demo made there; any other existing folder is refused and left untouched.",
    )
    parser.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)  # tiny sizes, for the tests
    parser.set_defaults(run=run)
    parser.error = argparse_error(COMMAND)


def run(args) -> int:
    matplotlib.use("Agg")  # the demo draws into files, never onto a screen
    out = Path(args.out)
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    parts = (_lecture, _neuron, _activations, _feature_space, _spiral, _vanishing)
    try:
        with output_folder.building(out, COMMAND, replace=True, hint="") as folder:
            sections = []
            for number, part in enumerate(parts, start=1):
                print(f"[{number}/{len(parts)}] {part.__doc__.splitlines()[0]}", flush=True)
                sections += part(folder, sizes)
            write_atomic(folder / "index.html", demo_page.page(TITLE, INTRO, sections))
    except output_folder.FolderInUse as error:
        raise UsageError(f"--out {error}") from None
    except GraphvizNotFound as error:
        print_error(COMMAND, str(error))
        return 1
    except KeyboardInterrupt:
        print("backprop-lab demo: interrupted; nothing was written", file=sys.stderr)
        return 130
    index = (out / "index.html").resolve()
    print(f"done in {time.perf_counter() - started:.0f} s; {len(sections)} pictures in {out}")
    print(f"open this page in a browser: {index}")
    return 0


TITLE = "backprop-lab: the lecture, live"
INTRO = (
    "Every picture below was computed just now by backprop-lab's own engine: a scalar autograd "
    "(a Value per number, one table of derivatives), networks made of Values, and TensorFlow "
    "Playground's spiral. Orange is class 0 and negative weights, blue class 1 and positive weights."
)


def _lecture(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """the lecture's example graph and its step-by-step player"""
    x, w1 = autograd.Value(2.0, label="x"), autograd.Value(0.5, label="w1")
    y = autograd.sin(w1 * x + autograd.log(x)) + autograd.cos(x)
    y.label = "y"
    y.backward()
    graph = render(y, folder / "lecture_graph.svg", local_grads=True)
    player = save_steps_html(y, folder / "lecture_steps.html")
    return [
        demo_page.Section(
            "The lecture's example: y = sin(w1·x + log x) + cos x",
            f"At x = 2, w1 = 0.5 every box shows its value (data) and the derivative of y with respect to it "
            f"(grad); every edge into an op carries the local derivative from the op table. Multiplying them "
            f"along the paths and adding over the paths is the chain rule: dy/dx = {x.grad:.4f}, "
            f"dy/dw1 = {w1.grad:.4f}.",
            demo_page.image(graph.read_bytes(), graph.name, "the computation graph of the lecture's example"),
            graph.name,
        ),
        demo_page.Section(
            "Backprop one node at a time",
            "The same graph, played step by step: press Play or the arrow keys. The ledger writes out each "
            "step of the chain rule with its numbers: upstream gradient times local derivative, added into "
            "each input.",
            demo_page.player(player.read_text(encoding="utf-8")),
            player.name,
        ),
    ]


def _neuron(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """one neuron's graph"""
    inputs = [autograd.Value(v, label=f"x{i}") for i, v in enumerate((2.0, 1.0, -0.5), start=1)]
    neuron = nn.Neuron(3, activation="tanh", seed=1)
    for i, w in enumerate(neuron.w, start=1):  # the lecture's names (nn labels them w.0, w.1, ...)
        w.label = f"w{i}"
    h = neuron(inputs)
    h.backward()
    graph = render(h, folder / "neuron.svg")
    slope = 1 - h.data**2  # tanh'(s), written out for the sentence; the graph's numbers come from backward
    return [
        demo_page.Section(
            "One neuron: h = tanh(b + w1·x1 + w2·x2 + w3·x3)",
            _text(f"""A weighted sum s (one node that adds the bias and the three products) and a
            non-linearity. Backward gives every weight its gradient dh/dwi = (1 − h²)·xi: here
            h = {h.data:.4f}, so 1 − h² = {slope:.4f} and dh/dw1 = {slope:.4f} × {inputs[0].data:g} =
            {neuron.w[0].grad:.4f}."""),
            demo_page.image(graph.read_bytes(), graph.name, "the computation graph of one neuron"),
            graph.name,
        )
    ]


def _activations(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """the gallery of activations"""
    path = save_png(plot_activations(), folder / "activations.png")
    return [
        demo_page.Section(
            "Non-linearities and their derivatives",
            _text("""Each activation h = f(s) with its derivative f′(s), computed by backward. Where sigmoid
            and tanh saturate (red) the derivative is almost 0, so almost no gradient passes back through the
            neuron; ReLU passes it unchanged for every s > 0."""),
            demo_page.image(path.read_bytes(), path.name, "activation functions and their derivatives"),
            path.name,
        )
    ]


def _spiral_data(sizes: Sizes):
    X, y = nn.data.spiral(sizes.points, noise=0.1, seed=0)
    return X, y, *nn.data.train_test_split(X, y, test_size=0.25, seed=0)


def _feature_space(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """the spiral in three coordinate systems"""
    X, y, *_ = _spiral_data(sizes)
    path = save_png(plot_feature_space(X, y), folder / "feature_space.png")
    return [
        demo_page.Section(
            "Feature engineering: the spiral untangled",
            "The Playground's two spirals in the plane (x1, x2), in polar coordinates (r, θ), and in "
            "(r, (θ − 2r) mod 2π), where each arm becomes a flat band and one straight line separates "
            "the classes.",
            demo_page.image(path.read_bytes(), path.name, "the spiral in three coordinate systems"),
            path.name,
        )
    ]


def _spiral(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """the spiral trained on raw (x1, x2) and on the features (r, spiral); this takes most of the time"""
    _, _, X_train, X_test, y_train, y_test = _spiral_data(sizes)
    raw = nn.MLP(2, [*sizes.raw_hidden, 1], activation="relu", seed=0)
    history = nn.fit(
        raw,
        X_train,
        y_train,
        optimizer="adam",
        lr=0.01,
        epochs=sizes.raw_epochs,
        batch_size=10,
        schedule=schedule("step", sizes.raw_epochs),
        validation=(X_test, y_test),
        seed=0,
    )
    F_train, F_test = nn.data.features(X_train, FEATURES), nn.data.features(X_test, FEATURES)
    neuron = nn.MLP(2, [1], seed=0)
    nn.fit(
        neuron,
        F_train,
        y_train,
        optimizer="adam",
        lr=0.05,
        epochs=sizes.feature_epochs,
        batch_size=10,
        seed=0,
    )
    fig, axes = plt.subplots(1, 2, figsize=(11, 6.2), layout="constrained")
    scores = {}
    for ax, model, features, F, G in (
        (axes[0], raw, None, X_train, X_test),
        (axes[1], neuron, FEATURES, F_train, F_test),
    ):
        scores[model] = (
            f"train {nn.accuracy(model, F, y_train):.0%}, test {nn.accuracy(model, G, y_test):.0%}"
        )
        title = f"{_describe(model, features)}\n{scores[model]}"
        plot_decision_boundary(
            model, X_train, y_train, features, ax=ax, resolution=sizes.resolution, title=title
        )
    boundaries = save_png(fig, folder / "spiral_raw_vs_features.png")
    network = write_atomic(
        folder / "spiral_network.svg",
        pipe(draw_network(raw, X=X_train, resolution=sizes.picture), "svg", folder / "spiral_network.dot"),
    )
    curves = save_png(plot_history(history), folder / "spiral_history.png")
    hidden = " and ".join(str(w) for w in sizes.raw_hidden)
    return [
        demo_page.Section(
            "The spiral: raw inputs against engineered features",
            _text(f"""Left, a network with hidden layers of {hidden} ReLU units ({len(raw.parameters())}
            parameters) trained on (x1, x2) for {len(history)} epochs ({scores[raw]}): it bends its boundary
            around the arms piece by piece, with the straight cuts of its first layer. Right, a single neuron
            ({len(neuron.parameters())} parameters) trained on (r, (θ − 2r) mod 2π) ({scores[neuron]}): one
            straight line in the feature space, drawn here back in the plane, follows the spiral."""),
            demo_page.image(boundaries.read_bytes(), boundaries.name, "decision boundaries on the spiral"),
            boundaries.name,
        ),
        demo_page.Section(
            "Inside the network trained on (x1, x2)",
            _text("""The network as TensorFlow Playground draws it: a link per weight (blue positive, orange
            negative, wider for larger |w|), and in every unit a picture of its output over the plane. The
            first layer can only cut the plane with straight lines; the next layers combine them into the
            spiral."""),
            demo_page.image(network.read_bytes(), network.name, "the trained network, Playground style"),
            network.name,
            width=820,
        ),
        demo_page.Section(
            "Training curves and learning-rate annealing",
            _text(f"""Loss and accuracy per epoch on the training and the held-out points; the learning rate
            (purple, right axis) drops in steps, and the loss settles further after each drop. In the last
            epoch the training accuracy is {history.accuracy[-1]:.0%} and the validation accuracy
            {history.val_accuracy[-1]:.0%}: a gap between the two curves is what a network memorised rather
            than learned."""),
            demo_page.image(curves.read_bytes(), curves.name, "loss and accuracy per epoch"),
            curves.name,
        ),
    ]


def _vanishing(folder: Path, sizes: Sizes) -> list[demo_page.Section]:
    """vanishing gradients: a deep sigmoid network against a deep ReLU network"""
    X, y, *_ = _spiral_data(sizes)
    ax = None
    ratios = {}
    for activation, init, color in (("sigmoid", "xavier", SIGMOID), ("relu", "kaiming", RELU)):
        model = nn.MLP(2, [8] * sizes.deep_layers + [1], activation=activation, init=init, seed=0)
        loss = nn.binary_cross_entropy(model.forward_batch(X), y)
        model.zero_grad()
        loss.backward()
        flow = list(nn.gradient_flow(model).values())
        ratios[activation] = flow[-1] / flow[0]
        ax = plot_gradient_flow(model, ax=ax, label=f"{activation}, {init} init", color=color)
    depth = sizes.deep_layers + 1
    ax.set_title(f"gradient per layer of a {depth}-layer network, one backward pass")
    path = save_png(ax.figure, folder / "vanishing_gradients.png")
    return [
        demo_page.Section(
            "Vanishing gradients: sigmoid against ReLU",
            _text(f"""The mean |gradient| per weight in each layer of two {depth}-layer networks after one
            backward pass (log scale). Every sigmoid multiplies the gradient by at most 1/4 on its way back,
            so the first layer of the sigmoid network gets a gradient {ratios["sigmoid"]:,.0f} times
            smaller than the last layer's; with ReLU and Kaiming init it is only {ratios["relu"]:.1f} times
            smaller."""),
            demo_page.image(path.read_bytes(), path.name, "gradient flow, sigmoid against ReLU"),
            path.name,
        )
    ]


def _text(paragraph: str) -> str:
    """A paragraph written over several source lines, as one line of text."""
    return " ".join(paragraph.split())


def _describe(model, features) -> str:
    inputs = "(x1, x2)" if features is None else f"({', '.join(features)})"
    if len(model.layers) == 1:
        return f"one neuron on {inputs}"
    hidden = ", ".join(str(layer.nout) for layer in model.layers[:-1])
    return f"MLP with hidden layers [{hidden}] on {inputs}"
