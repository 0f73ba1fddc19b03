"""plot_gradient_flow draws highway and dense networks (a line per layer; highway gates are not layers)."""

import numpy as np
import pytest

import nn
import viz

X, Y = nn.data.xor(24, seed=0)


@pytest.mark.parametrize("connections", ["highway", "dense"])
def test_plot_gradient_flow_draws_a_line_per_layer_over_the_epochs(connections):
    model = nn.MLP(2, [3, 3, 3, 1], activation="tanh", connections=connections, seed=0)
    history = nn.fit(model, X, Y, lr=0.1, epochs=3, progress=False)
    ax = viz.plot_gradient_flow(history)
    assert len(ax.lines) == len(history.grad_norms) == len(nn.gradient_flow(model))
    assert all(np.all(np.asarray(line.get_ydata()) > 0) for line in ax.lines)


def test_plot_gradient_flow_draws_a_highway_model_s_last_gradients():
    model = nn.MLP(2, [3, 3, 3, 1], activation="tanh", connections="highway", seed=0)
    nn.binary_cross_entropy(model.forward_batch(X), Y).backward()
    ax = viz.plot_gradient_flow(model)
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), list(nn.gradient_flow(model).values()))
