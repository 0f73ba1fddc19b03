"""The engine policy asks each module whether it couples the examples of a batch."""

import numpy as np

import nn


class MeanShift(nn.Module):
    """Subtracts the batch's mean from every example: a module that couples examples, not a BatchNorm."""

    kind = "meanshift"

    def __init__(self, n):
        super().__init__()
        self.nin = self.nout = n
        self._name_parts()

    def couples_examples(self):
        return "MeanShift subtracts the batch's mean"

    def _forward_many(self, rows, trace=None):
        means = [sum(col) * (1.0 / len(rows)) for col in zip(*rows)]
        return [[v - m for v, m in zip(row, means)] for row in rows]

    def config(self):
        return {"n": self.nin}


def test_batchnorm_couples_examples_in_training_mode_only():
    norm = nn.BatchNorm(2)
    assert "training mode" in norm.couples_examples()
    assert norm.eval().couples_examples() is None
    assert nn.Layer(2, 2).couples_examples() is None


class ShiftedLayer(nn.Module):
    """MeanShift, then a linear layer: a network with a part that couples examples."""

    def __init__(self):
        super().__init__()
        self.nin, self.nout = 2, 1
        self.shift = MeanShift(2)
        self.out = nn.Layer(2, 1, activation="linear", seed=0)
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        return self.out._forward_many(self.shift._forward_many(rows, trace), trace)

    def config(self):
        return {}


X = np.random.default_rng(0).normal(size=(8, 2))
Y = (X[:, 0] > 0).astype(int)


def test_fit_runs_a_model_with_a_part_that_couples_examples_on_the_scalar_engine():
    assert nn.engines.survey(ShiftedLayer()).coupled == "MeanShift subtracts the batch's mean"
    history = nn.fit(ShiftedLayer(), X, Y, epochs=1, progress=False)
    assert history.engine == "scalar"
    assert history.engine_reason == (
        "MeanShift subtracts the batch's mean (one example's graph cannot express that)"
    )


def test_without_that_part_the_same_layer_trains_on_the_tape():
    history = nn.fit(nn.Layer(2, 1, activation="linear", seed=0), X, Y, epochs=1, progress=False)
    assert history.engine == "tape" and history.engine_reason is None
