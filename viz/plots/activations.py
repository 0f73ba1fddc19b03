"""The non-linearities side by side with their derivatives, and the activations inside a network."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

import autograd
import nn
from nn.activations import SATURATING

from . import colors

CURVE = "#222222"
DERIVATIVE = "#7a1fa2"
SATURATED = "#f3c7c7"  # a pale red band where the derivative has all but vanished
SATURATION_LEVEL = 0.1  # "saturated": the derivative is below a tenth of its largest value
SPAN = 5.0  # the gallery shows s in [-SPAN, SPAN]


def activation_curve(name: str, s) -> tuple[np.ndarray, np.ndarray]:
    """(f(s), f'(s)) at the points s, both computed by the engine: f'(s) is ``autograd.grad``."""
    act = nn.activations.get(name)
    values, slopes = [], []
    for x in np.asarray(s, dtype=float).tolist():
        v = autograd.Value(x)
        out = act(v)
        values.append(out.data)
        slopes.append(autograd.grad(out, v))
    return np.array(values), np.array(slopes)


def plot_activations(names=None, fig=None):
    """The lecture's gallery of non-linearities h = f(s), each with its derivative f'(s).

    Every derivative is computed by the engine (``autograd.grad``), not written again.
    The saturating ones (sigmoid, tanh) get a red band where f'(s) is below a tenth of
    its peak: there a neuron passes almost no gradient back, the root of vanishing
    gradients. ReLU's derivative is 1 for every s > 0, which is why deep ReLU networks
    keep their gradients. ``names`` defaults to every activation but "linear". Returns
    the figure (one axes per activation in ``fig.axes``).
    """
    names = [n for n in nn.ACTIVATIONS if n != "linear"] if names is None else list(names)
    if not names:
        raise ValueError(
            f"plot_activations needs at least one name; expected some of: {', '.join(nn.ACTIVATIONS)}"
        )
    for name in names:
        nn.activations.check(name)
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig = fig if fig is not None else plt.figure(figsize=(4.2 * cols, 3.2 * rows + 0.5), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    s = np.linspace(-SPAN, SPAN, 401)
    for ax, name in zip(axes, names):
        values, slopes = activation_curve(name, s)
        saturating = name in SATURATING
        if saturating:
            ax.fill_between(
                s,
                0,
                1,
                where=slopes < SATURATION_LEVEL * slopes.max(),
                color=SATURATED,
                transform=ax.get_xaxis_transform(),
                linewidth=0,
            )
        ax.axhline(0.0, color="#bbbbbb", linewidth=0.8)
        ax.axvline(0.0, color="#bbbbbb", linewidth=0.8)
        ax.plot(s, values, color=CURVE, linewidth=2)
        ax.plot(s, slopes, color=DERIVATIVE, linewidth=1.6, linestyle="--")
        ax.set_title(
            name + (" (saturates)" if saturating else ""), color="#a01010" if saturating else "black"
        )
        ax.set_xlim(-SPAN, SPAN)
        ax.set_xlabel("s")
    for ax in axes[len(names) :]:
        ax.remove()
    handles = [
        plt.Line2D([], [], color=CURVE, linewidth=2, label="h = f(s)"),
        plt.Line2D(
            [], [], color=DERIVATIVE, linewidth=1.6, linestyle="--", label="f′(s), computed by backward"
        ),
    ]
    if any(n in SATURATING for n in names):
        handles.append(Patch(color=SATURATED, label="saturated: f′(s) < 1/10 of its peak"))
    fig.legend(handles=handles, loc="outside upper center", ncol=len(handles), fontsize=9, frameon=False)
    return fig


def plot_activation_histograms(
    model: nn.Module, X, fig=None, pre: bool = False, bins: int = 40, sharex: bool = True
):
    """One histogram per layer of the values its neurons output over X (``nn.layer_activations``).

    The lecture's pictures for initialisation and batch norm: with a bad init the
    activations of deep layers collapse to 0 or pile up at the saturated ends (+-1 for
    tanh); with Kaiming init (ReLU) or batch norm they keep a similar spread from layer
    to layer. Each title gives the mean and standard deviation, and the share of
    saturated outputs (|h| > 0.97 for tanh, h < 0.03 or > 0.97 for sigmoid) or of zeros
    (ReLU). ``pre=True`` shows the sums s instead. ``X`` are the model's inputs.
    With ``sharex`` (the default) every panel has the same x-axis and bins, so a layer
    whose values collapse shows as one thin spike; ``sharex=False`` zooms each panel in.
    Returns the figure (one axes per layer).
    """
    found = nn.layer_activations(model, X, pre=pre)
    if not found:
        raise ValueError(f"plot_activation_histograms: {type(model).__name__} has no layers to show")
    acts = {m.scope_name: getattr(m, "activation", "linear") for _, m in model.named_modules()}
    cols = min(4, len(found))
    rows = math.ceil(len(found) / cols)
    fig = fig if fig is not None else plt.figure(figsize=(3.4 * cols, 2.9 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=sharex).ravel()
    if sharex:
        everything = np.concatenate([values.ravel() for values in found.values()])
        low, high = everything.min(), everything.max()
        bins = np.linspace(low, high if high > low else low + 1.0, bins + 1)
    for ax, (name, values) in zip(axes, found.items()):
        values = values.ravel()
        act = acts.get(name, "linear")
        ax.hist(values, bins=bins, color=colors.BLUE, edgecolor="white", linewidth=0.3)
        if sharex:
            ax.tick_params(labelbottom=True)  # every panel keeps its numbers, not only the bottom row
        what = "s" if pre else act
        ax.set_title(f"{name} ({what})\n{_summary(values, None if pre else act)}", fontsize=9)
        ax.set_xlabel("s (sum)" if pre else "h (output)", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes[len(found) :]:
        ax.remove()
    return fig


def _summary(values, act):
    text = f"mean {values.mean():.2g}, std {values.std():.2g}"  # 2 digits, however small
    if act == "tanh":
        text += f", {np.mean(np.abs(values) > 0.97):.0%} saturated"
    elif act == "sigmoid":
        text += f", {np.mean((values < 0.03) | (values > 0.97)):.0%} saturated"
    elif act == "relu":
        text += f", {np.mean(values == 0):.0%} zero"
    return text
