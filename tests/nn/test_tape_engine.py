"""nn on the batch tape: the scalar engine's gradients, training and predictions; when it is not used."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Parameter
from nn.engines import NotTraceable
from nn.engines import tape as tape_engine

SCALAR, TAPE = nn.ENGINES["scalar"], nn.ENGINES["tape"]

rng = np.random.default_rng(0)
X2 = rng.normal(size=(14, 2))
BINARY = (X2[:, 0] * X2[:, 1] > 0).astype(int)
CLASSES = np.argmax(X2 @ [[1.0, -1.0, 0.2], [0.5, 0.3, -1.0]], axis=1)  # three classes
REGRESSION = np.sin(X2[:, 0]) + 0.5 * X2[:, 1]


def assert_close(actual, expected, rtol=1e-10):
    """Equal to rtol relative; near-zero entries (cancellation) to 1e-12 of the largest."""
    expected = np.asarray(expected, dtype=float)
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12 * scale)


def hinge_l2(model, alpha=1e-3):
    def loss(outputs, targets):
        return nn.hinge(outputs, targets) + nn.l2(model.parameters(), alpha)

    return loss


def trained_a_little_then_eval(model, X, y):
    """A BatchNorm model whose running statistics and weights are no longer the initial ones."""
    nn.fit(model, X, y, loss="bce", lr=0.05, epochs=3, progress=False)
    return model.eval()


def case(name):
    """(model, X, y, loss function) for one model kind."""
    activation = name.split(":")[1] if ":" in name else None
    if activation:
        model = nn.MLP(2, [5, 4, 1], activation=activation, seed=1)
        return model, X2, BINARY, nn.losses.get("bce")
    model = {
        "neuron, bce": lambda: nn.Neuron(2, activation="linear", seed=2),
        "neuron without bias, tanh, mse": lambda: nn.Neuron(2, activation="tanh", bias=False, seed=3),
        "layer, 3 outputs, mse": lambda: nn.Layer(2, 3, activation="relu", seed=4),
        "residual MLP, bce": lambda: nn.MLP(2, [4, 4, 4, 1], activation="tanh", residual=True, seed=5),
        "Residual module, mse": lambda: nn.Residual(nn.Layer(2, 2, activation="elu", seed=6)),
        "BatchNorm MLP in eval mode, bce": lambda: trained_a_little_then_eval(
            nn.MLP(2, [5, 5, 1], batchnorm=True, seed=7), X2, BINARY
        ),
        "MLP, 3 classes, cross_entropy": lambda: nn.MLP(2, [6, 3], activation="tanh", seed=8),
        "MLP, hinge + l2": lambda: nn.MLP(2, [6, 6, 1], init="uniform", seed=9),
        "MLP, regression, mse": lambda: nn.MLP(2, [6, 1], activation="softplus", seed=10),
    }[name]()
    y, loss = {
        "neuron, bce": (BINARY, "bce"),
        "neuron without bias, tanh, mse": (REGRESSION, "mse"),
        "layer, 3 outputs, mse": (np.column_stack([REGRESSION, X2]), "mse"),
        "residual MLP, bce": (BINARY, "bce"),
        "Residual module, mse": (X2[:, ::-1] ** 2, "mse"),
        "BatchNorm MLP in eval mode, bce": (BINARY, "bce"),
        "MLP, 3 classes, cross_entropy": (CLASSES, "cross_entropy"),
        "MLP, hinge + l2": (BINARY, hinge_l2(model)),
        "MLP, regression, mse": (REGRESSION, "mse"),
    }[name]
    return model, X2, y, nn.losses.get(loss)


KINDS = [
    "neuron, bce",
    "neuron without bias, tanh, mse",
    "layer, 3 outputs, mse",
    *[f"MLP:{a}" for a in nn.ACTIVATIONS],
    "residual MLP, bce",
    "Residual module, mse",
    "BatchNorm MLP in eval mode, bce",
    "MLP, 3 classes, cross_entropy",
    "MLP, hinge + l2",
    "MLP, regression, mse",
]


def step_on(engine, model, X, y, loss):
    """(loss, outputs, every parameter's grad) after one step of ``engine``."""
    value, outputs = engine(model, X, y, loss)
    return value, outputs, [p.grad for p in model.parameters()]


# ---------------------------------------------------------------- the scalar engine's results


@pytest.mark.parametrize("kind", KINDS)
def test_a_tape_step_gives_the_scalar_steps_loss_outputs_and_every_gradient(kind):
    model, X, y, loss = case(kind)
    before = model.state_dict()
    value, outputs, grads = step_on(SCALAR, model, X, y, loss)
    tape_value, tape_outputs, tape_grads = step_on(TAPE, model, X, y, loss)

    assert model.state_dict() == before  # a step changes no parameter
    assert tape_value == pytest.approx(value, rel=1e-12)
    assert tape_outputs.shape == (len(X), model.nout)
    assert_close(tape_outputs, outputs)
    assert_close(tape_grads, grads)
    assert max(np.abs(grads)) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_predict_gives_the_scalar_engines_outputs_in_evaluation_mode(kind):
    model, X, _, _ = case(kind)
    was_training = model.training
    predicted = model.predict(X)
    model.eval()
    with autograd.no_grad():
        expected = np.array([[v.data for v in row] for row in model.forward_batch(X)])
    assert_close(predicted.reshape(len(X), -1), expected, rtol=1e-13)
    assert predicted.shape == ((len(X),) if model.nout == 1 else (len(X), model.nout))
    assert model.train(was_training).training == was_training


def test_a_neurons_mse_gradient_on_the_tape_is_the_hand_derived_one():
    neuron = nn.Neuron(2, activation="linear", seed=0)
    w, b = [p.data for p in neuron.w], neuron.b.data
    value, outputs = TAPE(neuron, X2, REGRESSION, nn.mse)
    residual = X2 @ w + b - REGRESSION  # L = mean (o - t)^2, dL/dw = 2 mean((o - t) x), dL/db = 2 mean(o - t)
    assert value == pytest.approx(np.mean(residual**2), rel=1e-13)
    assert [p.grad for p in neuron.w] == pytest.approx(2 * residual @ X2 / len(X2), rel=1e-12)
    assert neuron.b.grad == pytest.approx(2 * residual.mean(), rel=1e-12)


def test_cross_entropy_on_the_tape_matches_finite_differences_of_the_loss():
    model, X, y, loss = case("MLP, 3 classes, cross_entropy")
    TAPE(model, X, y, loss)
    eps = 1e-6
    for p in model.parameters()[::5]:
        p.data += eps
        up = loss(model.forward_batch(X), y).data
        p.data -= 2 * eps
        down = loss(model.forward_batch(X), y).data
        p.data += eps
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-9)


def test_each_class_branch_is_the_scalar_loss_of_that_class():
    # One-hot targets weigh the per-class losses: the other classes' branches add exact zeros.
    model, X, y, loss = case("MLP, 3 classes, cross_entropy")
    value, _ = TAPE(model, X, y, loss)
    per_example = [nn.cross_entropy(row, t).data for row, t in zip(model.forward_batch(X), y)]
    assert value == pytest.approx(np.mean(per_example), rel=1e-13)


# ---------------------------------------------------------------- fit and its engine choice


def fitted_twice(make, X, y, **kwargs):
    """The same model trained by fit on "auto" and on "scalar": (auto model, history, scalar model)."""
    auto, scalar = make(), make()
    history = nn.fit(auto, X, y, progress=False, **kwargs)
    nn.fit(scalar, X, y, progress=False, engine="scalar", **kwargs)
    return auto, history, scalar


@pytest.mark.parametrize(
    "make, y, kwargs",
    [
        (lambda: nn.MLP(2, [6, 1], seed=0), BINARY, {"loss": "bce", "lr": 0.2}),
        (lambda: nn.MLP(2, [6, 3], activation="tanh", seed=0), CLASSES, {"loss": "cross_entropy"}),
        (lambda: nn.MLP(2, [5, 5, 1], seed=0), REGRESSION, {"loss": "mse", "optimizer": "adam", "lr": 0.02}),
        (lambda: nn.MLP(2, [5, 1], seed=0), BINARY, {"loss": "hinge", "batch_size": 5, "seed": 3}),
    ],
    ids=["bce, sgd", "cross_entropy", "mse, adam", "hinge, minibatches"],
)
def test_fit_on_auto_trains_the_same_parameters_as_on_the_scalar_engine(make, y, kwargs):
    auto, history, scalar = fitted_twice(make, X2, y, epochs=4, **kwargs)
    assert history.engine == "tape" and history.engine_reason is None
    names = list(scalar.state_dict())
    assert_close([auto.state_dict()[k] for k in names], [scalar.state_dict()[k] for k in names], rtol=1e-9)
    assert auto.state_dict() != make().state_dict()  # it did train


def test_micrograds_demo_loss_trains_on_the_tape_with_the_scalar_engines_history():
    make = lambda: nn.MLP(2, [8, 8, 1], init="uniform", seed=1337)  # noqa: E731
    auto, scalar = make(), make()
    histories = [
        nn.fit(m, X2, BINARY, loss=hinge_l2(m, 1e-4), epochs=3, lr=0.05, progress=False, engine=e)
        for m, e in [(auto, "auto"), (scalar, "scalar")]
    ]
    assert [h.engine for h in histories] == ["tape", "scalar"]
    assert histories[0].loss == pytest.approx(histories[1].loss, rel=1e-12)
    assert histories[0].accuracy == histories[1].accuracy
    for name, norms in histories[1].grad_norms.items():
        assert histories[0].grad_norms[name] == pytest.approx(norms, rel=1e-10)
    assert_close(list(auto.state_dict().values()), list(scalar.state_dict().values()), rtol=1e-9)


def test_a_leaf_of_the_loss_outside_the_model_accumulates_its_grad_as_on_the_scalar_engine():
    # The scalar engine zeroes the model's grads before each step and backward adds into
    # every other leaf: a scale s the loss uses keeps summing its gradients, on both engines.
    grads = {}
    for engine in ("tape", "scalar"):
        model, s = nn.MLP(2, [3, 1], seed=0), autograd.Value(1.5, label="s")
        history = nn.fit(
            model,
            X2,
            BINARY,
            loss=lambda o, t, s=s: nn.hinge([[s * oi[0]] for oi in o], t),
            epochs=3,
            lr=0.1,
            progress=False,
            engine=engine,
        )
        assert history.engine == engine
        grads[engine] = (s.grad, [p.grad for p in model.parameters()])
    assert grads["tape"][0] == pytest.approx(grads["scalar"][0], rel=1e-12) and grads["tape"][0] != 0.0
    assert_close(grads["tape"][1], grads["scalar"][1])


def test_validation_is_measured_on_the_tape_with_the_scalar_engines_numbers():
    X_val, y_val = nn.data.gauss(20, noise=0.5, seed=1)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X2, BINARY, loss="bce", epochs=2, validation=(X_val, y_val), progress=False)
    model.eval()
    with autograd.no_grad():
        expected = nn.binary_cross_entropy(model.forward_batch(X_val), y_val).data
    assert history.val_loss[-1] == pytest.approx(expected, rel=1e-13)
    assert history.val_accuracy[-1] == nn.accuracy(model, X_val, y_val)


def test_batchnorm_in_training_mode_runs_on_the_scalar_engine_under_auto_and_is_refused_under_tape():
    make = lambda: nn.MLP(2, [4, 1], batchnorm=True, seed=0)  # noqa: E731
    auto, history, scalar = fitted_twice(make, X2, BINARY, loss="bce", epochs=2)
    assert history.engine == "scalar"
    assert "BatchNorm 'layers.0.batchnorm' is in training mode" in history.engine_reason
    assert auto.state_dict() == scalar.state_dict()  # exactly the scalar engine's training
    with pytest.raises(
        NotTraceable, match=r'engine="tape" cannot train this model: BatchNorm .* couples the examples'
    ):
        nn.fit(make(), X2, BINARY, epochs=1, progress=False, engine="tape")
    with pytest.raises(NotTraceable, match="training mode"):
        TAPE(make(), X2, BINARY, nn.binary_cross_entropy)


def test_a_loss_that_is_not_a_mean_over_the_examples_runs_on_the_scalar_engine():
    def summed_bce(outputs, targets):
        return nn.binary_cross_entropy(outputs, targets) * len(outputs)

    make = lambda: nn.MLP(2, [4, 1], seed=0)  # noqa: E731
    auto, history, scalar = fitted_twice(make, X2, BINARY, loss=summed_bce, lr=0.01, epochs=2)
    assert history.engine == "scalar" and "is the loss a mean over the examples?" in history.engine_reason
    assert auto.state_dict() == scalar.state_dict()
    with pytest.raises(NotTraceable, match="disagree on the loss"):
        nn.fit(make(), X2, BINARY, loss=summed_bce, epochs=1, progress=False, engine="tape")


def test_a_loss_that_reads_regression_targets_as_numbers_runs_on_the_scalar_engine():
    def squared_error(outputs, targets):
        terms = [(row[0] - float(t)) ** 2 for row, t in zip(outputs, targets)]
        return autograd.sum(terms) * (1 / len(outputs))

    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X2, REGRESSION, loss=squared_error, epochs=1, progress=False)
    assert history.engine == "scalar"
    assert "tracing the loss of one example (its target as inputs) failed" in history.engine_reason
    assert "different graphs" in history.engine_reason


def test_targets_the_loss_refuses_are_refused_as_on_the_scalar_engine():
    labels = BINARY * 2  # 0 and 2: not hinge labels
    with pytest.raises(ValueError, match="hinge needs targets in"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), X2, labels, loss="hinge", epochs=1, progress=False)
    with pytest.raises(NotTraceable, match="hinge needs targets in"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), X2, labels, loss="hinge", epochs=1, progress=False, engine="tape")
    soft = np.where(BINARY == 1, 0.9, 0.1)
    soft[5] = 1.5  # a bce target outside [0, 1], in a row the sample may miss: the loss sees all of y
    with pytest.raises(ValueError, match=r"binary_cross_entropy needs targets in \[0, 1\]"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), X2, soft, loss="bce", epochs=1, progress=False)


def test_a_domain_error_in_another_classs_branch_hands_the_steps_to_the_scalar_engine():
    def picky(outputs, targets):  # class 1 costs exp(400 z): the tape computes it for every row
        terms = [
            autograd.exp(400 * row[0]) if t == 1 else autograd.relu(row[0])
            for row, t in zip(outputs, targets)
        ]
        return autograd.sum(terms) * (1 / len(terms))

    def make():
        neuron = nn.Neuron(1, activation="linear")
        neuron.w[0].data = 1.0
        return neuron

    X, y = np.array([[-1.0], [0.5], [2.0], [-3.0]]), np.array([1, 0, 0, 1])  # exp(800) at row 2, of class 0
    auto, history, scalar = fitted_twice(make, X, y, loss=picky, lr=0.001, epochs=2)
    assert history.engine == "scalar" and "exp" in history.engine_reason
    assert auto.state_dict() == scalar.state_dict()


def test_soft_bce_targets_are_traced_as_numbers():
    soft = np.where(BINARY == 1, 0.8, 0.3)
    make = lambda: nn.MLP(2, [4, 1], seed=0)  # noqa: E731
    auto, history, scalar = fitted_twice(make, X2, soft, loss="bce", lr=0.2, epochs=3)
    assert history.engine == "tape"
    assert_close(list(auto.state_dict().values()), list(scalar.state_dict().values()), rtol=1e-9)


def test_a_callback_that_adds_batchnorm_training_mode_hands_the_steps_to_the_scalar_engine():
    model = nn.MLP(2, [4, 1], seed=0)

    def swap_in_batchnorm(m, history):
        if len(history) == 1:
            m.layers[0].batchnorm = nn.BatchNorm(4)
            m.layers[0]._name_parts()

    history = nn.fit(model, X2, BINARY, epochs=3, callbacks=[swap_in_batchnorm], progress=False)
    assert history.engine == "tape, scalar"
    assert "BatchNorm" in history.engine_reason


def test_the_engine_is_named_even_when_no_epoch_runs():
    assert nn.fit(nn.MLP(2, [3, 1], seed=0), X2, BINARY, epochs=0, progress=False).engine == "tape"
    history = nn.fit(nn.MLP(2, [3, 1], seed=0), X2, BINARY, epochs=0, progress=False, engine="scalar")
    assert history.engine == "scalar" and history.engine_reason == "engine='scalar' was asked for"


# ---------------------------------------------------------------- predict, the cache and retracing


def count_traces(monkeypatch):
    calls = []
    real = autograd.trace

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(autograd, "trace", counted)
    return calls


def test_the_tape_is_traced_once_while_only_parameter_values_change(monkeypatch):
    calls = count_traces(monkeypatch)
    model = nn.MLP(2, [4, 1], seed=0)
    first = model.predict(X2)
    nn.fit(model, X2, BINARY, epochs=3, lr=0.5, progress=False)
    nn.fit(model, X2, BINARY, epochs=3, lr=0.5, progress=False)
    second = model.predict(X2)
    assert len(calls) == 2  # one tape for the outputs (eval), one for the loss (train)
    assert not np.allclose(first, second)  # the tape read the trained weights


def test_replacing_a_parameter_or_switching_mode_retraces(monkeypatch):
    calls = count_traces(monkeypatch)
    model = nn.MLP(2, [3, 1], activation="linear", seed=0)
    model.predict(X2)
    model.layers[1].neurons[0].b = Parameter(10.0)  # a new object: the fingerprint changes
    assert model.predict(X2)[0] == pytest.approx(model(list(X2[0]))[0].data, rel=1e-14)
    assert len(calls) == 2

    bn = nn.MLP(2, [4, 1], batchnorm=True, seed=0)
    nn.fit(bn, X2, BINARY, epochs=1, progress=False)
    before = bn.predict(X2)
    nn.fit(bn, X2, BINARY, epochs=1, lr=0.0001, progress=False)  # new running statistics
    after = bn.predict(X2)
    bn.eval()
    with autograd.no_grad():
        expected = np.array([row[0].data for row in bn.forward_batch(X2)])
    assert_close(after, expected, rtol=1e-13)
    assert not np.allclose(before, after)


def test_predict_traces_even_inside_no_grad_and_on_large_grids():
    model = nn.MLP(2, [8, 8, 1], seed=0)
    axis = np.linspace(-2, 2, 150)
    grid = np.array(np.meshgrid(axis, axis)).reshape(2, -1).T
    with autograd.no_grad():
        on_grid = model.predict(grid)
    model.eval()
    with autograd.no_grad():
        some = np.array([row[0].data for row in model.forward_batch(grid[::997])])
    assert on_grid.shape == (len(grid),)
    assert_close(on_grid[::997], some, rtol=1e-13)


class DataDependent(nn.Module):
    """A module whose graph depends on the data: relu written with an if on .data."""

    def __init__(self):
        super().__init__()
        self.nin = self.nout = 1
        self.w = Parameter(2.0)
        self._name_parts()

    def _forward_many(self, rows, trace=None):
        return [[self.w * x if x.data > 0 else 0.0 * x] for (x,) in rows]

    def config(self):
        return {}


def test_a_model_that_cannot_be_traced_predicts_and_trains_on_the_scalar_engine():
    model = DataDependent()
    X = np.array([[-1.0], [2.0], [0.5]])
    np.testing.assert_array_equal(model.predict(X), [0.0, 4.0, 1.0])
    assert tape_engine.predict(model, X) is None
    history = nn.fit(model, X, np.array([0.0, 3.0, 2.0]), loss="mse", epochs=1, progress=False)
    assert history.engine == "scalar" and "different graphs" in history.engine_reason


def test_predict_leaves_bad_input_to_the_scalar_engines_messages():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(n, 2\)"):
        model.predict(np.ones((4, 3)))
    with pytest.raises(ValueError, match="inputs must be finite"):
        model.predict([[1.0, np.nan]])


def test_a_copy_of_a_model_starts_with_no_tapes_and_predicts_with_its_own_weights():
    import copy

    model = nn.MLP(2, [3, 1], seed=0)
    model.predict(X2)
    twin = copy.deepcopy(model)
    twin.layers[0].neurons[0].w[0].data += 1.0
    assert not np.allclose(twin.predict(X2), model.predict(X2))
    model.layers[0].neurons[0].w[0].data += 1.0
    np.testing.assert_array_equal(twin.predict(X2), model.predict(X2))


def test_the_tape_s_old_path_nn_tape_engine_is_the_module_nn_engines_tape():
    import nn.tape_engine

    assert nn.tape_engine is tape_engine
    assert nn.tape_engine.NotTraceable is NotTraceable and nn.tape_engine.predict is tape_engine.predict
