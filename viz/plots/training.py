"""Pictures of a training run: loss, accuracy and learning rate per epoch; gradients per layer."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

import nn

TRAIN = "#4d4d4d"  # the Playground draws training curves in grey and test curves in black
VALIDATION = "#000000"
LR = "#7a1fa2"  # purple: a third quantity, not to be read as a class colour
LEGEND_BELOW = {
    "loc": "upper center",
    "bbox_to_anchor": (0.5, -0.16),
    "ncol": 3,
    "fontsize": 8,
    "frameon": False,
}


def plot_history(history: nn.History, fig=None):
    """Training and validation loss and accuracy per epoch, with the learning rate on a second axis.

    The lecture's training curves: the loss falls fast, then slowly; a gap between the
    training and validation curves is overfitting; and each drop of the learning rate
    (annealing, e.g. ``nn.schedules.StepDecay``) shows as a step of the purple line,
    often followed by a new fall of the loss. Two panels (loss, accuracy), or only the
    loss for regression. Returns the figure.
    """
    if not isinstance(history, nn.History):
        raise TypeError(f"plot_history needs the History that nn.fit returns, got {type(history).__name__}")
    if len(history) == 0:
        raise ValueError("plot_history: the history is empty (no epoch was trained)")
    has_accuracy = any(a is not None for a in history.accuracy)
    fig = (
        fig if fig is not None else plt.figure(figsize=(11 if has_accuracy else 6, 4.3), layout="constrained")
    )
    axes = fig.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
    epochs = np.asarray(history.epoch) + 1
    style = {"marker": "o", "markersize": 3} if len(epochs) == 1 else {}
    loss_ax = axes[0]
    loss_ax.plot(epochs, _numbers(history.loss), color=TRAIN, label="training loss", **style)
    if any(v is not None for v in history.val_loss):
        loss_ax.plot(
            epochs, _numbers(history.val_loss), color=VALIDATION, ls="--", label="validation loss", **style
        )
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("loss")
    loss_ax.set_ylim(bottom=0)
    lr_ax = loss_ax.twinx()
    lr_ax.plot(epochs, history.lr, color=LR, drawstyle="steps-post", lw=1.2, label="learning rate", **style)
    lr_ax.set_ylabel("learning rate", color=LR)
    lr_ax.tick_params(axis="y", colors=LR)
    lr_ax.set_ylim(0, max(history.lr) * 1.1)
    lines = loss_ax.get_lines() + lr_ax.get_lines()
    loss_ax.legend(lines, [line.get_label() for line in lines], **LEGEND_BELOW)
    loss_ax.set_title("loss" + (" (training interrupted)" if history.interrupted else ""))
    if has_accuracy:
        acc_ax = axes[1]
        acc_ax.plot(epochs, _numbers(history.accuracy), color=TRAIN, label="training accuracy", **style)
        if any(v is not None for v in history.val_accuracy):
            acc_ax.plot(
                epochs,
                _numbers(history.val_accuracy),
                color=VALIDATION,
                ls="--",
                label="validation accuracy",
                **style,
            )
        acc_ax.set_xlabel("epoch")
        acc_ax.set_ylabel("accuracy")
        lowest = np.nanmin(np.concatenate([_numbers(history.accuracy), _numbers(history.val_accuracy)]))
        acc_ax.set_ylim(max(0.0, min(0.5, lowest - 0.05)), 1.01)  # from chance level (two classes) or below
        acc_ax.legend(**LEGEND_BELOW)
        acc_ax.set_title("accuracy")
    return fig


def plot_gradient_flow(source, ax=None, label=None, color=None):
    """Mean |gradient| per weight of each layer, on a log scale: the vanishing-gradient picture.

    ``source`` is a History (one line per layer over the epochs, from ``nn.fit``), a
    model (its gradients from the last backward pass, ``nn.gradient_flow``: one line
    over the layers), or such a dict {layer: mean |grad|}. The lecture's claim: on its way
    back through each sigmoid layer the gradient is multiplied by sigmoid'(s) <= 1/4
    (and by the weights), so the first layers of a deep sigmoid network get orders of
    magnitude less gradient and barely learn; with ReLU and Kaiming init every layer
    gets a gradient of about the same size. Draw two
    models on the same ``ax`` with a ``label`` (and ``color``) each to compare them.
    Returns the axes.
    """
    ax = ax if ax is not None else plt.figure(figsize=(6.5, 4.2), layout="constrained").add_subplot()
    ax.set_yscale("log")
    ax.set_ylabel("mean |gradient| per weight (log scale)")
    if isinstance(source, nn.History):
        _over_epochs(source, ax)
    else:
        _over_layers(_one_pass(source), ax, label, color)
    return ax


def _over_epochs(history, ax):
    if not history.grad_norms or len(history) == 0:
        raise ValueError("plot_gradient_flow: the history holds no gradient norms (no epoch was trained)")
    epochs = np.asarray(history.epoch) + 1
    names = list(history.grad_norms)
    shades = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(names)))
    for name, shade in zip(names, shades):
        ax.plot(epochs, _positive(history.grad_norms[name]), color=shade, label=_layer_label(name, names))
    ax.set_xlabel("epoch")
    ax.set_title("gradient flow during training")
    ax.legend(fontsize=8, loc="best", title="layer (input side first)", title_fontsize=8)


def _over_layers(flow, ax, label, color):
    names = list(flow)
    positions = np.arange(1, len(names) + 1)
    ax.plot(positions, _positive(list(flow.values())), marker="o", label=label, color=color)
    ax.set_xticks(positions, [str(p) for p in positions])
    ax.set_xlabel("layer (1 = next to the inputs)")
    ax.set_title("gradient flow, one backward pass")
    if label is not None:
        ax.legend(fontsize=9)


def _one_pass(source) -> dict:
    """{layer: mean |grad|} of one backward pass, from a model or given as such a dict."""
    if isinstance(source, nn.Module):
        flow = nn.gradient_flow(source)
    elif isinstance(source, Mapping):
        flow = dict(source)
    else:
        raise TypeError(
            "plot_gradient_flow needs a History, a model or a dict {layer: mean |grad|}, "
            f"got {type(source).__name__}"
        )
    if not flow:
        raise ValueError("plot_gradient_flow: the model has no layer of weights")
    if all(v == 0 for v in flow.values()):
        raise ValueError(
            "plot_gradient_flow: every gradient is 0; run a backward pass first "
            "(loss.backward() on a batch), or pass the History from nn.fit"
        )
    return flow


def _layer_label(name, names):
    return f"{names.index(name) + 1}: {name}"


def _positive(values):
    """Values for a log axis: a gradient of exactly 0 cannot be drawn there, so it is left out."""
    a = np.asarray(values, dtype=float)
    return np.where(a > 0, a, np.nan)


def _numbers(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)
