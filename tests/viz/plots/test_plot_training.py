"""plot_history and plot_gradient_flow: every line is a column of the History or a layer's gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
import viz


@pytest.fixture(scope="module")
def history():
    """Six epochs on the moons, the rate halved every two epochs, with validation."""
    X, y = nn.data.moons(80, noise=0.1, seed=0)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, seed=0)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=0)
    return nn.fit(
        model,
        X_train,
        y_train,
        optimizer="sgd",
        lr=0.2,
        epochs=6,
        batch_size=20,
        schedule=nn.StepDecay(every=2, gamma=0.5),
        validation=(X_test, y_test),
        progress=False,
    )


def line(ax, label):
    (found,) = [x for x in ax.get_lines() if x.get_label() == label]
    return found


def test_history_has_a_loss_and_an_accuracy_panel_and_the_rate_on_a_twin_axis(history):
    fig = viz.plot_history(history)
    loss_ax, acc_ax, lr_ax = fig.axes
    assert (loss_ax.get_title(), acc_ax.get_title()) == ("loss", "accuracy")
    assert lr_ax.get_shared_x_axes().joined(lr_ax, loss_ax)  # twinx: same epochs, own y axis
    assert lr_ax.get_ylabel() == "learning rate"
    epochs = np.arange(1, 7)
    rate = line(lr_ax, "learning rate")
    assert np.array_equal(rate.get_xdata(), epochs)
    assert list(rate.get_ydata()) == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05, 0.05])  # the annealing steps
    assert rate.get_drawstyle() == "steps-post"


def test_history_lines_are_the_history_s_columns(history):
    fig = viz.plot_history(history)
    loss_ax, acc_ax, _ = fig.axes
    assert list(line(loss_ax, "training loss").get_ydata()) == history.loss
    assert list(line(loss_ax, "validation loss").get_ydata()) == history.val_loss
    assert list(line(acc_ax, "training accuracy").get_ydata()) == history.accuracy
    assert list(line(acc_ax, "validation accuracy").get_ydata()) == history.val_accuracy
    legend = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "learning rate"]
    assert acc_ax.get_ylim()[1] == pytest.approx(1.01)


def test_a_regression_history_has_only_the_loss_panel():
    X, y = nn.data.plane(40, seed=0)
    history = nn.fit(nn.MLP(2, [1], seed=0), X, y, loss="mse", epochs=3, progress=False)
    fig = viz.plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", ""]  # the loss and its learning-rate twin


def test_history_must_be_a_history_with_epochs():
    with pytest.raises(TypeError, match="the History that nn.fit returns"):
        viz.plot_history({"loss": [1.0]})
    with pytest.raises(ValueError, match="empty"):
        viz.plot_history(nn.History())


def test_gradient_flow_over_epochs_has_one_line_per_layer_on_a_log_scale(history):
    ax = viz.plot_gradient_flow(history)
    assert ax.get_yscale() == "log"
    names = list(history.grad_norms)
    assert names == ["layers.0", "layers.1", "layers.2"]
    for i, name in enumerate(names):
        drawn = line(ax, f"{i + 1}: {name}")
        assert list(drawn.get_ydata()) == pytest.approx(history.grad_norms[name])
        assert np.array_equal(drawn.get_xdata(), np.arange(1, 7))


def deep(activation, init, depth=6):
    """A deep network after one backward pass over 60 spiral points."""
    X, y = nn.data.spiral(60, noise=0.1, seed=0)
    model = nn.MLP(2, [8] * depth + [1], activation=activation, init=init, seed=0)
    loss = nn.binary_cross_entropy(model.forward_batch(X), y)
    model.zero_grad()
    loss.backward()
    return model


def test_gradient_flow_of_one_step_is_the_mean_absolute_weight_gradient_per_layer():
    model = deep("relu", "kaiming", depth=3)
    ax = viz.plot_gradient_flow(model, label="relu")
    by_hand = [
        math.fsum(abs(w.grad) for n in layer.neurons for w in n.w) / sum(len(n.w) for n in layer.neurons)
        for layer in model.layers
    ]
    (drawn,) = ax.get_lines()
    assert list(drawn.get_ydata()) == pytest.approx(by_hand)
    assert list(drawn.get_xdata()) == [1, 2, 3, 4]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu"]


def test_gradients_vanish_through_sigmoid_layers_but_not_through_relu():
    """The lecture's picture: two networks on one axes, the sigmoid one falling by orders of magnitude."""
    ax = viz.plot_gradient_flow(deep("sigmoid", "xavier"), label="sigmoid")
    viz.plot_gradient_flow(deep("relu", "kaiming"), ax=ax, label="relu")
    sigmoid, relu = (line(ax, name).get_ydata() for name in ("sigmoid", "relu"))
    assert sigmoid[0] / sigmoid[-1] < 1e-2  # two orders of magnitude over six sigmoid layers
    assert relu[0] / relu[-1] > 1e-1


def test_gradient_flow_of_a_model_without_a_backward_pass_says_what_to_do():
    with pytest.raises(ValueError, match="run a backward pass first"):
        viz.plot_gradient_flow(nn.MLP(2, [3, 1], seed=0))
    with pytest.raises(TypeError, match="a History, a model or a dict"):
        viz.plot_gradient_flow([0.1, 0.2])
