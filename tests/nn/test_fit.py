"""fit, History, accuracy, gradient_flow, layer_activations; Ctrl-C and callbacks."""

import csv
import io
import os
import signal
import sys
import types

import numpy as np
import pytest

import autograd
import nn

X, Y = nn.data.gauss(40, noise=0.0, seed=0)


def small_model(seed=0, **kwargs):
    return nn.MLP(2, [4, 1], seed=seed, **kwargs)


def test_fit_returns_one_history_entry_per_epoch_and_learns_an_easy_set():
    model = small_model()
    history = nn.fit(model, X, Y, loss="bce", optimizer="sgd", lr=0.1, epochs=15, progress=False)
    assert len(history) == 15 and history.epoch == list(range(15))
    assert history.loss[-1] < history.loss[0]
    assert history.accuracy[-1] == 1.0 and nn.accuracy(model, X, Y) == 1.0
    assert history.lr == [0.1] * 15
    assert all(t > 0 for t in history.time)
    assert history.val_loss == [None] * 15 and not history.interrupted
    assert set(history.grad_norms) == {"layers.0", "layers.1"}
    assert all(len(v) == 15 and min(v) > 0 for v in history.grad_norms.values())


def test_one_full_batch_epoch_is_exactly_forward_loss_backward_update():
    fitted, manual = small_model(), small_model()
    nn.fit(fitted, X, Y, loss="bce", optimizer="sgd", lr=0.1, epochs=1, progress=False, engine="scalar")
    loss = nn.binary_cross_entropy(manual.forward_batch(X), Y)
    loss.backward()
    for p in manual.parameters():
        p.data -= 0.1 * p.grad
    assert fitted.state_dict() == manual.state_dict()


def test_history_records_the_training_loss_before_each_update():
    model = small_model()
    start = nn.binary_cross_entropy(model.forward_batch(X), Y).data
    history = nn.fit(model, X, Y, loss="bce", epochs=1, progress=False)
    assert history.loss == [pytest.approx(start, rel=1e-12)]  # the tape's mean of per-example losses


def test_grad_norms_are_the_mean_absolute_weight_gradient_of_each_layer():
    model = small_model()
    nn.binary_cross_entropy(model.forward_batch(X), Y).backward()
    first = [w.grad for n in model.layers[0].neurons for w in n.w]
    flow = nn.gradient_flow(model)
    assert flow["layers.0"] == pytest.approx(np.mean(np.abs(first)), rel=1e-14)
    history = nn.fit(small_model(), X, Y, loss="bce", epochs=1, progress=False)
    assert history.grad_norms["layers.0"] == [pytest.approx(flow["layers.0"], rel=1e-14)]


def count_batches(loss):
    calls = []

    def counted(outputs, targets):
        calls.append(len(outputs))
        return loss(outputs, targets)

    return counted, calls


def test_minibatches_cover_the_epoch_in_shuffled_reproducible_order():
    counted, calls = count_batches(nn.binary_cross_entropy)
    a = small_model()
    # The scalar engine calls the loss once per batch (the tape calls it only while tracing).
    nn.fit(a, X, Y, loss=counted, epochs=2, batch_size=15, seed=7, progress=False, engine="scalar")
    assert calls == [15, 15, 10, 15, 15, 10]
    b, c = small_model(), small_model()
    nn.fit(b, X, Y, loss="bce", epochs=2, batch_size=15, seed=7, progress=False, engine="scalar")
    nn.fit(c, X, Y, loss="bce", epochs=2, batch_size=15, seed=8, progress=False, engine="scalar")
    assert a.state_dict() == b.state_dict() != c.state_dict()


def test_validation_is_measured_after_each_epoch_in_evaluation_mode():
    X_val, y_val = nn.data.gauss(30, noise=0.5, seed=1)
    model = small_model(batchnorm=True)
    history = nn.fit(model, X, Y, epochs=3, validation=(X_val, y_val), progress=False)
    model.eval()
    with autograd.no_grad():
        expected = nn.binary_cross_entropy(model.forward_batch(X_val), y_val).data
    assert history.val_loss[-1] == expected
    assert history.val_accuracy[-1] == nn.accuracy(model, X_val, y_val)
    assert model.training is False  # we switched it above; fit itself leaves training mode on


def test_a_schedule_sets_each_epoch_s_rate():
    history = nn.fit(
        small_model(), X, Y, lr=0.5, schedule=nn.StepDecay(every=2, gamma=0.1), epochs=5, progress=False
    )
    assert history.lr == pytest.approx([0.5, 0.5, 0.05, 0.05, 0.005], rel=1e-15)


def test_an_optimizer_object_is_used_as_given():
    model = small_model()
    opt = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, X, Y, optimizer=opt, epochs=2, progress=False)
    assert opt.t == 2 and history.lr == [0.05, 0.05]


def test_regression_targets_have_no_accuracy_and_mse_learns_the_plane():
    X_plane, y_plane = nn.data.plane(60, seed=0)
    model = nn.MLP(2, [1], seed=0)
    history = nn.fit(
        model, X_plane, y_plane, loss="mse", optimizer="adam", lr=0.05, epochs=60, progress=False
    )
    assert history.accuracy == [None] * 60
    assert history.loss[-1] < 1e-3 < history.loss[0]


def test_cross_entropy_trains_a_three_class_model():
    rng = np.random.default_rng(0)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = np.repeat([0, 1, 2], 10)
    X3 = centres[y] + rng.normal(0, 0.5, (30, 2))
    model = nn.MLP(2, [3], seed=0)
    history = nn.fit(model, X3, y, loss="cross_entropy", optimizer="adam", lr=0.1, epochs=30, progress=False)
    assert history.accuracy[-1] == 1.0 and nn.accuracy(model, X3, y) == 1.0
    assert model.predict(X3).shape == (30, 3)


def test_accuracy_thresholds_one_output_and_takes_the_largest_of_several():
    model = nn.Neuron(1, activation="linear")
    model.w[0].data, model.b.data = 1.0, 0.0
    xs = np.array([[-2.0], [-0.2], [0.2], [2.0]])
    assert nn.accuracy(model, xs, [0, 0, 1, 1]) == 1.0
    assert nn.accuracy(model, xs, [-1, -1, 1, 1]) == 1.0  # hinge labels
    assert nn.accuracy(model, xs, [0, 0, 1, 1], threshold=1.0) == 0.75
    sigmoid = nn.Neuron(1, activation="sigmoid")
    sigmoid.w[0].data, sigmoid.b.data = 1.0, 0.0
    assert nn.accuracy(sigmoid, xs, [0, 0, 1, 1]) == 1.0  # threshold 0.5 for a probability


def test_the_engine_keyword_accepts_scalar_and_lists_the_valid_engines():
    assert nn.fit(small_model(), X, Y, epochs=1, progress=False, engine="scalar").engine == "scalar"
    with pytest.raises(ValueError, match="unknown engine 'gpu'; expected one of: auto, scalar, tape"):
        nn.fit(small_model(), X, Y, epochs=1, progress=False, engine="gpu")


def test_bad_data_is_refused_before_training():
    with pytest.raises(ValueError, match=r"inputs of shape \(n, 2\), got \(40, 3\)"):
        nn.fit(small_model(), np.zeros((40, 3)), Y, progress=False)
    with pytest.raises(ValueError, match="40 examples in X but 39 targets"):
        nn.fit(small_model(), X, Y[:-1], progress=False)
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        nn.fit(small_model(), bad, Y, progress=False)
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        nn.fit(small_model(), X, Y, optimizer="lbfgs", progress=False)


def test_callbacks_see_the_model_and_history_after_each_epoch_and_can_stop_training():
    seen = []

    def callback(model, history):
        seen.append((len(history), history.loss[-1]))
        if len(history) == 3:
            raise nn.StopTraining

    history = nn.fit(small_model(), X, Y, epochs=10, callbacks=[callback], progress=False)
    assert len(history) == 3 and [n for n, _ in seen] == [1, 2, 3]
    assert [loss for _, loss in seen] == history.loss and not history.interrupted


def interrupting_loss(after_calls, how):
    """bce that interrupts during its call number ``after_calls`` (1-based).

    The tests that use it run on the scalar engine, which calls the loss once per step.
    """
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        value = nn.binary_cross_entropy(outputs, targets)
        if len(calls) == after_calls:
            how()
        return value

    return loss


def raise_keyboard_interrupt():
    raise KeyboardInterrupt


def press_ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)


def test_keyboard_interrupt_inside_a_step_abandons_that_step_and_keeps_the_history_so_far():
    model = small_model()
    snapshots = []
    history = nn.fit(
        model,
        X,
        Y,
        loss=interrupting_loss(4, raise_keyboard_interrupt),
        epochs=10,
        callbacks=[lambda m, h: snapshots.append(m.state_dict())],
        progress=False,
        engine="scalar",
    )
    assert history.interrupted and len(history) == 3
    assert model.state_dict() == snapshots[-1]  # the 4th step changed no parameter
    assert all(p.grad == 0.0 for p in model.parameters())


def test_ctrl_c_stops_after_the_current_step_whatever_the_step_was_doing():
    pressed, raised = small_model(), small_model()
    handler = signal.getsignal(signal.SIGINT)  # Python's default, or SIG_IGN in a background job
    # Ctrl-C during the 6th step: that step completes, then training stops (2nd epoch, 3rd batch).
    history = nn.fit(
        pressed,
        X,
        Y,
        loss=interrupting_loss(6, press_ctrl_c),
        epochs=10,
        batch_size=10,
        progress=False,
        engine="scalar",
    )
    assert history.interrupted and len(history) == 2 and history.epoch == [0, 1]
    # The same run with the 7th step abandoned has made exactly the same 6 updates.
    nn.fit(
        raised,
        X,
        Y,
        loss=interrupting_loss(7, raise_keyboard_interrupt),
        epochs=10,
        batch_size=10,
        progress=False,
        engine="scalar",
    )
    assert pressed.state_dict() == raised.state_dict()
    assert signal.getsignal(signal.SIGINT) is handler  # fit puts back the handler it found


def test_a_second_ctrl_c_abandons_the_step_in_progress():
    twice, raised = small_model(), small_model()

    def press_twice():
        press_ctrl_c()
        press_ctrl_c()

    scalar = {"epochs": 10, "progress": False, "engine": "scalar"}
    history = nn.fit(twice, X, Y, loss=interrupting_loss(3, press_twice), **scalar)
    nn.fit(raised, X, Y, loss=interrupting_loss(3, raise_keyboard_interrupt), **scalar)
    assert history.interrupted and len(history) == 2
    assert twice.state_dict() == raised.state_dict()


def test_a_keyboard_interrupt_from_a_callback_ends_training_with_the_history_so_far():
    def callback(model, history):
        if len(history) == 2:
            raise KeyboardInterrupt

    history = nn.fit(small_model(), X, Y, epochs=10, callbacks=[callback], progress=False)
    assert history.interrupted and len(history) == 2


def test_history_rows_and_csv(tmp_path):
    X_val, y_val = nn.data.gauss(10, seed=1)
    history = nn.fit(small_model(), X, Y, epochs=3, validation=(X_val, y_val), progress=False)
    rows = history.rows()
    assert len(rows) == 3 and rows[1]["loss"] == history.loss[1] and rows[2]["grad_norm[layers.1]"] > 0
    history.to_csv(tmp_path / "history.csv")
    with open(tmp_path / "history.csv") as f:
        read = list(csv.DictReader(f))
    assert list(read[0]) == [*nn.History.COLUMNS, "grad_norm[layers.0]", "grad_norm[layers.1]"]
    assert [float(r["val_loss"]) for r in read] == history.val_loss


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


def test_progress_bar_is_shown_on_a_terminal_only_when_asked(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    nn.fit(small_model(), X, Y, epochs=2, progress=True)
    assert "2/2" in terminal.getvalue()
    shown = len(terminal.getvalue())
    nn.fit(small_model(), X, Y, epochs=2, progress=False)
    assert len(terminal.getvalue()) == shown


def test_no_progress_bar_goes_into_a_file_or_a_pipe(capsys):
    nn.fit(small_model(), X, Y, epochs=2, progress=True)  # capsys's stderr is no terminal
    assert capsys.readouterr().err == ""


def test_a_notebook_shows_the_progress_bar_though_its_stderr_is_no_terminal(capsys, monkeypatch):
    kernel_shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel_shell))
    nn.fit(small_model(), X, Y, epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err
    terminal_shell = types.SimpleNamespace()  # IPython in a terminal: no kernel, the terminal rule holds
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: terminal_shell))
    nn.fit(small_model(), X, Y, epochs=2, progress=True)
    assert capsys.readouterr().err == ""


def test_layer_activations_give_each_layer_s_sums_and_outputs_without_changing_the_model():
    model = nn.MLP(2, [3, 2], activation="relu", seed=0)
    pre = nn.layer_activations(model, X[:5], pre=True)
    post = nn.layer_activations(model, X[:5])
    assert list(post) == ["layers.0", "layers.1"] and post["layers.0"].shape == (5, 3)
    assert post["layers.0"] == pytest.approx(np.maximum(pre["layers.0"], 0), abs=0)
    assert post["layers.1"] == pytest.approx(model.predict(X[:5]), rel=1e-15)
