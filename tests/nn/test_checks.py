"""nn.checks: the argument validators' values and messages, and the one "is classification" rule."""

import numpy as np
import pytest

import nn
from nn import checks


@pytest.mark.parametrize(
    ("y", "n_outputs", "expected"),
    [
        # The cases the three old rules (fit's, the tape's, the pictures') disagreed on.
        ([0, 1, 2, 1], 1, False),  # three classes, one output: fit said yes, the pictures no
        ([2, 5, 5, 2], 1, False),  # whole numbers that are not 0/1: fit and the tape said yes
        ([-1, 0, 1, 0], 1, False),  # both conventions mixed: the pictures said yes
        ([0, 1, 2, 1], 3, True),  # class indices of three outputs: the pictures said no
        (np.arange(10), 1, False),  # whole-number regression targets: fit measured an accuracy
        # The cases they agreed on stay as they were.
        ([0, 1, 1, 0], 1, True),
        ([-1, 1, 1, -1], 1, True),
        ([0.0, 1.0, 0.0], 1, True),
        ([1, 1, 1], 1, True),
        ([0, 1, 0], 2, True),
        ([0.5, 1.0, 0.0], 1, False),
        ([[0, 1], [1, 0]], 2, False),
        ([-1, 1, 1], 2, False),
        ([0, 3, 1], 3, False),
        (np.array([True, False]), 1, True),
        (np.array(["a", "b"]), 1, False),
    ],
)
def test_is_classification_pins_one_rule(y, n_outputs, expected):
    assert checks.is_classification(y, n_outputs) is expected


def test_fit_measures_accuracy_only_for_labels_its_model_scores():
    X = np.random.default_rng(0).normal(size=(12, 2))
    y = np.arange(12) % 3  # three whole numbers for a one-output model: regression targets
    history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, loss="mse", epochs=1, progress=False, validation=(X, y))
    assert history.accuracy == [None] and history.val_accuracy == [None]
    assert history.engine == "tape"
    model = nn.MLP(2, [3, 3], seed=0)
    three = nn.fit(model, X, y, loss="cross_entropy", epochs=1, progress=False, validation=(X, y))
    assert three.engine == "tape"
    assert three.val_accuracy == [nn.accuracy(model, X, y)]


@pytest.mark.parametrize(
    ("check", "args", "expected"),
    [
        (checks.whole, (3, "n"), 3),
        (checks.whole, (np.int64(0), "epochs", 0), 0),
        (checks.number, (2, "x"), 2.0),
        (checks.positive, (0.5, "lr"), 0.5),
        (checks.nonnegative, (0, "weight_decay"), 0.0),
        (checks.probability, (1, "momentum"), 1.0),
        (checks.between, (0.25, "test_size", 0.0, 1.0, True, True), 0.25),
    ],
)
def test_a_check_returns_the_value_it_accepts(check, args, expected):
    got = check(*args)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("check", "args", "message"),
    [
        (checks.whole, (0, "n"), "n must be a whole number >= 1, got 0"),
        (checks.whole, (2.5, "batch_size"), "batch_size must be a whole number >= 1, got 2.5"),
        (checks.whole, (True, "nin"), "nin must be a whole number >= 1, got True"),
        (checks.number, (float("nan"), "x"), "x must be a finite number, got nan"),
        (checks.number, ("1", "x"), "x must be a finite number, got '1'"),
        (checks.positive, (0, "lr"), "lr must be > 0, got 0.0"),
        (checks.nonnegative, (-1, "alpha"), "alpha must be >= 0, got -1.0"),
        (checks.probability, (1.5, "gamma"), r"gamma must be a number in \[0, 1\], got 1.5"),
        (checks.between, (1, "beta", 0, 1, False, True), r"beta must be a number in \[0, 1\), got 1"),
        (checks.between, (0, "f", 0, 1, True, True), r"f must be a number in \(0, 1\), got 0"),
        (checks.between, (None, "f", 0, 1), r"f must be a number in \[0, 1\], got None"),
    ],
)
def test_a_check_names_the_argument_what_was_expected_and_what_came(check, args, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        check(*args)


def test_lookup_lists_the_valid_names_and_takes_a_function_where_allowed():
    table = {"a": 1, "b": 2}
    assert checks.lookup(table, "b", "thing") == 2
    with pytest.raises(ValueError, match="^unknown thing 'c'; expected one of: a, b$"):
        checks.lookup(table, "c", "thing")
    with pytest.raises(ValueError, match=r"expected one of: a, b \(or a function\)$"):
        checks.lookup(table, 3, "thing", functions_too=True)
    assert checks.lookup(table, len, "thing", functions_too=True) is len


def test_nn_s_arguments_go_through_the_same_checks():
    with pytest.raises(ValueError, match="^momentum must be a number in"):
        nn.BatchNorm(2, momentum=2.0)
    with pytest.raises(ValueError, match="^eps must be > 0, got 0.0$"):
        nn.BatchNorm(2, eps=0)
    with pytest.raises(ValueError, match="^end_factor must be a number in"):
        nn.CosineDecay(10, end_factor=-0.5)
    with pytest.raises(ValueError, match=r"^test_size must be a number in \(0, 1\), got 1.0$"):
        nn.data.train_test_split([[0, 0], [1, 1]], [0, 1], test_size=1.0)
    with pytest.raises(ValueError, match=r"^noise \(the Playground's 0% to 50%\) must be a number in"):
        nn.data.spiral(n=10, noise=0.6)
    with pytest.raises(ValueError, match="^l2's alpha must be >= 0"):
        nn.l2([nn.Neuron(1).b], -1.0)
