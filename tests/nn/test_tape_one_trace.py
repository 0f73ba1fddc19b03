"""fit traces the per-example loss at ONE row; the sample rows, run through both engines,
catch a graph that depends on the data, and fit then names it ("different graphs")."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Parameter, Value
from nn.engines import NotTraceable

rng = np.random.default_rng(1)
X = rng.normal(size=(12, 1))
Y = (X[:, 0] > 0).astype(float)  # both signs of x in the sample rows


class TwoWeightsOneValue(nn.Module):
    """w * x where x > 0, else v * x, with w = v: the outputs never tell the branches apart."""

    def __init__(self):
        super().__init__()
        self.nin = self.nout = 1
        self.w, self.v = Parameter(0.5), Parameter(0.5)
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        return [[self.w * x if x.data > 0 else self.v * x] for (x,) in rows]

    def config(self):
        return {}


def test_a_graph_whose_gradient_goes_to_another_weight_at_other_rows_is_refused():
    # Same outputs and loss at every row: only d loss / d w and d loss / d v tell the graphs apart.
    history = nn.fit(TwoWeightsOneValue(), X, Y, loss="mse", epochs=1, progress=False)
    assert history.engine == "scalar" and "different graphs" in history.engine_reason
    with pytest.raises(NotTraceable, match="different graphs"):
        nn.fit(TwoWeightsOneValue(), X, Y, loss="mse", epochs=1, progress=False, engine="tape")


def test_a_leaf_value_made_inside_the_loss_is_refused():
    def scaled_mse(outputs, targets):
        return nn.mse(outputs, targets) * Value(2.0)  # a new leaf at every call

    model = nn.MLP(1, [3, 1], seed=0)
    history = nn.fit(model, X, Y, loss=scaled_mse, epochs=1, progress=False)
    assert history.engine == "scalar" and "different graphs" in history.engine_reason


def test_a_graph_that_depends_on_the_data_trains_as_the_scalar_engine_does():
    auto, scalar = TwoWeightsOneValue(), TwoWeightsOneValue()
    nn.fit(auto, X, Y, loss="mse", lr=0.1, epochs=3, progress=False)
    nn.fit(scalar, X, Y, loss="mse", lr=0.1, epochs=3, progress=False, engine="scalar")
    assert auto.w.data == scalar.w.data and auto.v.data == scalar.v.data
    assert auto.w.data != auto.v.data  # each weight got its own rows' gradient


def test_a_traceable_loss_is_traced_at_one_row():
    calls = []

    def counted_bce(outputs, targets):
        calls.append(len(outputs))
        return nn.binary_cross_entropy(outputs, targets)

    history = nn.fit(nn.MLP(1, [3, 1], seed=0), X, Y, loss=counted_bce, epochs=1, progress=False)
    assert history.engine == "tape"
    traced = [n for n in calls if n == 1]  # the trace calls the loss on one example per class
    assert len(traced) == 2  # labels 0 and 1, at one row: not at three rows (6 calls)


def test_the_single_row_trace_still_gives_the_scalar_engine_s_gradients():
    model = nn.MLP(1, [4, 1], activation="tanh", seed=3)
    loss = nn.losses.get("bce")
    tape_loss, _ = nn.ENGINES["tape"](model, X, Y, loss)
    tape_grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    scalar_loss, _ = nn.ENGINES["scalar"](model, X, Y, loss)
    np.testing.assert_allclose(tape_grads, [p.grad for p in model.parameters()], rtol=1e-10, atol=1e-14)
    assert abs(tape_loss - scalar_loss) < 1e-12
