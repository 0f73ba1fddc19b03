"""Dropout: inverted scaling in training, identity in evaluation, seeded masks, fit on either engine."""

import numpy as np
import pytest

import autograd
import nn

X = np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 0.3, -0.4, -2.0]])


def outputs(module, X):
    return np.array([[v.data for v in row] for row in module.forward_batch(X)])


def test_evaluation_mode_is_the_identity():
    dropout = nn.Dropout(0.5, 4, seed=0).eval()
    np.testing.assert_array_equal(outputs(dropout, X), X)
    np.testing.assert_array_equal(dropout.predict(X), X)


def test_training_keeps_each_unit_scaled_by_one_over_one_minus_p_or_drops_it():
    dropout = nn.Dropout(0.25, 4, seed=0)
    Y = outputs(dropout, np.tile(X, (500, 1)))
    ratio = Y / np.tile(X, (500, 1))
    assert set(np.round(ratio, 12).ravel().tolist()) == {0.0, round(1 / 0.75, 12)}
    assert np.mean(ratio == 0.0) == pytest.approx(0.25, abs=0.03)  # 4000 units: 5 sigma is 0.034


def test_the_mean_over_many_masks_is_the_evaluation_output():
    p, n = 0.4, 4000
    dropout = nn.Dropout(p, 4, seed=1)
    Y = outputs(dropout, np.tile(X[:1], (n, 1)))
    # Each output is x m / (1 - p): mean x, standard deviation |x| sqrt(p / (1 - p)).
    sigma = np.abs(X[0]) * np.sqrt(p / (1 - p)) / np.sqrt(n)
    assert np.all(np.abs(Y.mean(axis=0) - dropout.eval().predict(X[:1])[0]) < 5 * sigma)


def test_a_linear_network_with_dropout_averages_to_its_evaluation_output():
    model = nn.MLP(4, [6, 1], activation="linear", dropout=0.5, seed=2)
    n = 1000
    Y = outputs(model, np.tile(X[1:], (n, 1)))[:, 0]
    assert Y.std() > 0.1  # the masks do change the output
    assert Y.mean() == pytest.approx(model.predict(X[1:])[0], abs=5 * Y.std() / np.sqrt(n))


def test_the_same_seed_gives_the_same_masks_and_another_seed_others():
    a, b, c = (nn.Dropout(0.5, 4, seed=s) for s in (7, 7, 8))
    first = outputs(a, np.tile(X, (10, 1)))
    np.testing.assert_array_equal(first, outputs(b, np.tile(X, (10, 1))))
    assert not np.array_equal(first, outputs(c, np.tile(X, (10, 1))))


def test_dropped_units_get_no_gradient_and_kept_ones_one_over_one_minus_p():
    dropout = nn.Dropout(0.5, 4, seed=3)
    xs = [autograd.Value(v) for v in X[0]]
    ys = dropout(xs)
    autograd.sum(ys).backward()
    for x, y in zip(xs, ys):
        assert x.grad == (0.0 if y.data == 0.0 else 2.0)


def test_fit_trains_a_dropout_mlp_on_either_engine_with_the_same_seeded_masks():
    X2, y = nn.data.xor(30, seed=0)
    runs = []
    for engine in ("auto", "auto", "scalar", "tape"):
        model = nn.MLP(2, [6, 6, 1], activation="tanh", dropout=0.3, seed=0)
        runs.append(nn.fit(model, X2, y, lr=0.1, epochs=3, progress=False, engine=engine))
    assert [h.engine for h in runs] == ["tape", "tape", "scalar", "tape"]
    assert runs[0].engine_reason is None
    assert runs[0].loss == runs[1].loss  # seeded: the same masks, the same training
    np.testing.assert_allclose(runs[2].loss, runs[0].loss, rtol=1e-12)  # the masks are inputs of the trace
    model.eval()
    assert nn.fit(model, X2, y, epochs=1, progress=False).engine == "tape"  # evaluation: the identity


def test_a_dropout_mlp_without_dropping_is_the_plain_mlp():
    plain = nn.MLP(2, [5, 5, 1], seed=4)
    dropping = nn.MLP(2, [5, 5, 1], dropout=0.5, seed=4).eval()
    np.testing.assert_array_equal(dropping.predict(X[:, :2]), plain.predict(X[:, :2]))


def test_a_dropout_mlp_saves_and_loads(tmp_path):
    model = nn.MLP(2, [5, 5, 1], dropout=0.2, seed=4)
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert loaded.config() == model.config() and [d.p for d in loaded.dropouts] == [0.2, 0.2]
    np.testing.assert_array_equal(loaded.predict(X[:, :2]), model.predict(X[:, :2]))


def test_a_bad_drop_probability_is_named():
    with pytest.raises(ValueError, match=r"Dropout's p .* must be in \[0, 1\), got 1.0"):
        nn.Dropout(1.0, 4)
    with pytest.raises(ValueError, match=r"Dropout's p .* got -0.1"):
        nn.MLP(2, [3, 1], dropout=-0.1)
