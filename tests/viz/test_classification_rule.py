"""The pictures tell class labels from regression targets by nn's one rule (nn.checks.is_classification)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402
import viz  # noqa: E402

X = np.random.default_rng(0).normal(size=(12, 2))


@pytest.mark.parametrize(
    ("y", "nout", "classes"),
    [
        (np.arange(12) % 2, 1, True),
        (np.where(np.arange(12) % 2, 1, -1), 1, True),
        (np.arange(12) % 3 - 1, 1, False),  # -1, 0 and +1: three values for one output
        (np.arange(12) % 2, 2, True),
    ],
)
def test_the_decision_boundary_draws_classes_exactly_where_nn_sees_them(y, nout, classes):
    model = nn.MLP(2, [3, nout], seed=0)
    ax = viz.plot_decision_boundary(model, X, y, resolution=8)
    assert nn.checks.is_classification(y, nout) is classes
    assert (ax.get_legend() is not None) is classes  # the two classes' legend; a colour scale otherwise
    plt.close(ax.figure)
