"""fit checks everything before its first step, stops when the training diverges, and marks partial epochs."""

import csv
import math
import os
import signal
from fractions import Fraction

import numpy as np
import pytest

import autograd
import nn

X, Y = nn.data.gauss(40, noise=0.0, seed=0)


def model_with_state():
    """A model whose every number (weights and batch-norm statistics) a step or a measurement would change."""
    return nn.MLP(2, [4, 1], batchnorm=True, seed=0)


def refused(message, X=X, y=Y, **kwargs):
    """fit with these arguments raises a ValueError matching ``message`` and changes nothing."""
    model = model_with_state()
    before, calls = model.state_dict(), []

    def loss(outputs, targets):
        calls.append(1)
        return nn.binary_cross_entropy(outputs, targets)

    kwargs = {"loss": loss, "epochs": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, y, progress=False, engine="scalar", **kwargs)
    assert model.state_dict() == before and model.training
    return calls


other = nn.MLP(2, [4, 1], seed=1)
ROWS = X.tolist()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X": X + 1j}, r"X, y: X must hold real numbers, got complex128"),
        ({"X": X.astype(str)}, r"X must hold real numbers, got <U\d+ values such as np.str_\('2.08"),
        (
            {"X": [[1.0, 2.0], [3.0]] * 20},
            r"X must be a table of numbers with rows of equal length, got lengths \[1, 2\]",
        ),
        ({"X": [[autograd.Value(1.0), 2.0]] * 40}, r"X must hold numbers, got Value .* at index \[0, 0\]"),
        ({"X": [[None, 2.0]] * 40}, r"X must hold numbers, got NoneType None at index \[0, 0\]"),
        ({"y": Y + 0j}, r"y must hold real numbers, got complex128"),
        (
            {"y": np.where(Y == 1, "cat", "dog")},
            r"y must hold real numbers, got <U3 values such as np.str_\('cat'\)",
        ),
        ({"y": Y.astype(str)}, r"y must hold real numbers, .* \(labels such as '0' and '1' become numbers"),
        ({"y": [autograd.Value(float(v)) for v in Y]}, r"y must hold numbers, got Value"),
        (
            {"seed": -1, "batch_size": 10},
            r"seed must be None, a whole number >= 0 or a numpy Generator, got -1",
        ),
        (
            {"validation": (X, np.where(Y == 1, 2, 0))},
            r"validation: y must hold class labels like the training y's \[0, 1\], got \[0, 2\]",
        ),
        ({"validation": (X, Y.astype(str))}, r"validation: y must hold real numbers"),
        (
            {"validation": (X[:, :1], Y)},
            r"validation: the model expects inputs of shape \(n, 2\), got \(40, 1\)",
        ),
        ({"validation": (X, Y, Y)}, r"validation must be a pair \(X_val, y_val\)"),
        ({"validation": X}, r"validation must be a pair \(X_val, y_val\), got array"),
        ({"callbacks": 5}, r"callbacks must be a list of functions f\(model, history\), got 5"),
        ({"callbacks": print}, r"callbacks must be a list of functions"),
        ({"callbacks": "stop"}, r"callbacks must be a list of functions f\(model, history\), got 'stop'"),
        ({"callbacks": [print, 5]}, r"callbacks\[1\] must be a function f\(model, history\), got 5"),
        ({"schedule": 0.5}, r"schedule must be None or a function \(base_lr, epoch\) -> rate, got 0.5"),
        (
            {"optimizer": nn.SGD(other.parameters(), lr=0.1)},
            r"optimizer: 17 of its 17 parameters are not the model's",
        ),
        ({"epochs": -1}, r"epochs must be a whole number >= 0, got -1"),
        ({"batch_size": 0}, r"batch_size must be a whole number >= 1, got 0"),
        ({"lr": math.inf}, r"lr must be a finite number, got inf"),
    ],
)
def test_bad_arguments_are_refused_before_the_first_step_with_nothing_changed(kwargs, message):
    assert refused(message, **kwargs) == []  # the loss never ran


def test_a_seed_of_the_wrong_type_is_a_type_error_before_any_step():
    model = model_with_state()
    before = model.state_dict()
    with pytest.raises(TypeError, match="seed must be None, an int or a numpy Generator, got str '0'"):
        nn.fit(model, X, Y, seed="0", epochs=1, progress=False)
    assert model.state_dict() == before


def test_an_optimizer_over_some_foreign_parameters_is_refused_too():
    model = model_with_state()
    mixed = nn.SGD([*model.parameters()[:3], other.parameters()[0]], lr=0.1)
    with pytest.raises(
        ValueError, match=r"optimizer: 1 of its 4 parameters are not the model's \(such as layers"
    ):
        nn.fit(model, X, Y, optimizer=mixed, epochs=1, progress=False)


def test_a_validation_set_the_loss_cannot_score_is_refused_before_any_step():
    X_plane, y_plane = nn.data.plane(40, seed=0)  # regression targets: no class rule applies
    model = nn.MLP(2, [4, 1], batchnorm=True, seed=0)
    before = model.state_dict()
    with pytest.raises(
        ValueError, match="validation: mse: the model gives 1 outputs per example, the targets 3"
    ):
        nn.fit(
            model,
            X_plane,
            y_plane,
            loss="mse",
            validation=(X_plane, np.zeros((40, 3))),
            epochs=1,
            progress=False,
        )
    assert model.state_dict() == before and model.training


@pytest.mark.parametrize(
    "kwargs",
    [
        {"X": X.astype(int)},
        {"X": X > 0},
        {"X": [[Fraction(1, 2), 2] for _ in range(40)]},
        {"X": ROWS},
        {"y": Y.astype(float)},
        {"y": Y == 1},
        {"y": [int(v) for v in Y]},
        {"y": 2 * Y - 1, "loss": "hinge"},
        {"seed": 0, "batch_size": 10},
        {"seed": np.random.default_rng(3), "batch_size": 10},
        {"validation": (X, np.zeros(40))},  # only one of the classes
        {"validation": [X, Y]},
        {"callbacks": ()},
        {"callbacks": (lambda m, h: None,)},
        {"optimizer": "adam", "lr": 1e-3},
    ],
)
def test_the_neighbours_of_bad_arguments_still_train(kwargs):
    args = {"X": X, "y": Y, **kwargs}
    model = model_with_state()
    before = model.state_dict()
    history = nn.fit(model, args.pop("X"), args.pop("y"), epochs=2, progress=False, **args)
    assert len(history) == 2 and history.complete == [True, True] and history.diverged is None
    assert model.state_dict() != before


def test_an_optimizer_over_part_of_the_model_trains_only_that_part():
    model = nn.MLP(2, [4, 1], seed=0)
    last = model.layers[1].parameters()
    before = model.state_dict()
    nn.fit(model, X, Y, optimizer=nn.SGD(last, lr=0.1), epochs=2, progress=False)
    after = model.state_dict()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {f"layers.1.neurons.0.{w}" for w in ("w.0", "w.1", "w.2", "w.3", "b")}


# Divergence: stop, say so, keep the history.


def snapshots():
    states = []
    return states, lambda model, history: states.append(model.state_dict())


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_huge_learning_rate_stops_with_training_diverged_and_keeps_the_history(optimizer):
    model = nn.MLP(2, [4, 1], seed=0)
    states, keep = snapshots()
    with pytest.raises(
        nn.TrainingDiverged, match="training diverged in epoch 1, step 1: .*learning rate"
    ) as caught:
        nn.fit(model, X, Y, optimizer=optimizer, lr=1e300, epochs=10, callbacks=[keep], progress=False)
    history = caught.value.history
    assert isinstance(caught.value, FloatingPointError)
    assert len(history) == 1 and history.complete == [True] and history.diverged == str(caught.value)
    assert model.state_dict() == states[-1]  # the step that found it was not taken
    assert all(p.grad == 0.0 for p in model.parameters())


def test_an_exploding_loss_is_divergence_even_while_every_number_is_finite():
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(
        nn.TrainingDiverged, match=r"the loss is 5.191e\+19, over 1e\+12 times the first step's \(1.01\)"
    ):
        nn.fit(model, X, Y, lr=1e10, epochs=10, progress=False)
    assert all(math.isfinite(x) for x in model.state_dict().values())


def scripted_loss(values):
    """A loss whose value at step i is values[i] (times 1 + 0 * the bce, so that it has a graph)."""
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        return nn.binary_cross_entropy(outputs, targets) * 0.0 + values[len(calls) - 1]

    return loss


E = nn.training.EXPLODED


@pytest.mark.parametrize(
    "first, later, diverges",
    [
        (0.5, E, False),  # the limit is EXPLODED times max(|first|, 1): exactly at it is fine
        (0.5, E * 1.000001, True),
        (2.0, 2 * E, False),
        (2.0, 2 * E * 1.000001, True),
        (2.0, -2 * E * 1.000001, True),  # running away below 0 counts too
        (-3.0, 3 * E, False),
        (1e-9, E, False),  # a tiny first loss does not make a small rise an explosion
    ],
)
def test_the_explosion_limit_and_its_neighbours(first, later, diverges):
    loss = scripted_loss([first, later, first])
    run = lambda: nn.fit(nn.MLP(2, [1], seed=0), X, Y, loss=loss, epochs=3, progress=False, engine="scalar")  # noqa: E731
    if diverges:
        with pytest.raises(nn.TrainingDiverged, match="epoch 1, step 1"):
            run()
    else:
        assert run().loss == [first, later, first]


def test_a_divergence_mid_epoch_keeps_the_partial_epoch_marked():
    loss = scripted_loss([1.0] * 6 + [1e13])
    states, keep = snapshots()
    with pytest.raises(nn.TrainingDiverged, match="epoch 1, step 3") as caught:
        nn.fit(
            nn.MLP(2, [1], seed=0),
            X,
            Y,
            loss=loss,
            batch_size=10,
            epochs=5,
            callbacks=[keep],
            progress=False,
            engine="scalar",
        )
    history = caught.value.history
    assert history.complete == [True, False] and history.loss == [1.0, 1.0]


def test_a_domain_error_at_the_first_step_is_the_data_s_and_stands():
    def log_of_negative(outputs, targets):
        return autograd.log(nn.binary_cross_entropy(outputs, targets) * -1.0)

    with pytest.raises(autograd.DomainError, match="log"):
        nn.fit(nn.MLP(2, [1], seed=0), X, Y, loss=log_of_negative, epochs=2, progress=False)


# Partial epochs after Ctrl-C: kept, and marked.


def interrupting_loss(after_calls):
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        if len(calls) == after_calls:
            os.kill(os.getpid(), signal.SIGINT)
        return nn.binary_cross_entropy(outputs, targets)

    return loss


@pytest.mark.parametrize(
    "press_at, complete", [(6, [True, False]), (8, [True, True]), (9, [True, True, False])]
)
def test_ctrl_c_mid_epoch_marks_that_epoch_not_complete_in_the_history_and_the_csv(
    tmp_path, press_at, complete
):
    history = nn.fit(
        nn.MLP(2, [1], seed=0),
        X,
        Y,
        loss=interrupting_loss(press_at),
        batch_size=10,  # 4 steps an epoch
        epochs=10,
        progress=False,
        engine="scalar",
    )
    assert history.interrupted and history.complete == complete
    history.to_csv(tmp_path / "history.csv")
    with open(tmp_path / "history.csv") as f:
        assert [row["complete"] for row in csv.DictReader(f)] == [str(c) for c in complete]


# A step is all or nothing, BatchNorm's running statistics included.


def test_targets_the_loss_refuses_change_nothing_not_even_the_running_statistics():
    model = model_with_state()
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"binary_cross_entropy needs targets in \[0, 1\]"):
        nn.fit(model, X, 2 * Y, epochs=2, progress=False)
    assert model.state_dict() == before


def test_a_step_abandoned_or_found_diverging_leaves_the_running_statistics_of_the_last_step_taken():
    calls = []

    def raise_at_third(outputs, targets):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return nn.binary_cross_entropy(outputs, targets)

    for loss, ending in [(raise_at_third, "interrupted"), (scripted_loss([1.0, 1.0, 1e13]), "diverged")]:
        model = model_with_state()
        states, keep = snapshots()
        try:
            history = nn.fit(
                model, X, Y, loss=loss, epochs=5, callbacks=[keep], progress=False, engine="scalar"
            )
        except nn.TrainingDiverged as error:
            history = error.history
        assert (history.interrupted, history.diverged is not None) == (
            ending == "interrupted",
            ending == "diverged",
        )
        assert len(states) == 2 and model.state_dict() == states[-1]
        assert model.layers[0].batchnorm.running_var != [1.0] * 4  # the two steps taken did move them
