"""state_dict / load_state_dict, and saving and loading models as JSON (exact, atomic)."""

import json
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.saving

X = np.array([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.1]])


def models():
    trained = nn.MLP(2, [4, 4, 1], batchnorm=True, residual=True, seed=1)
    nn.fit(trained, X, [1, 0, 1], epochs=2, progress=False)  # running statistics move away from 0 and 1
    return {
        "mlp": nn.MLP(2, [5, 3], activation="tanh", output_activation="sigmoid", init="xavier", seed=0),
        "mlp with batchnorm and residual, trained": trained,
        "layer": nn.Layer(2, 3, activation="elu", seed=2),
        "neuron without bias": nn.Neuron(2, activation="leaky_relu", bias=False, seed=3),
        "residual around a layer": nn.Residual(nn.Layer(2, 2, seed=4)),
    }


def test_state_dict_holds_every_parameter_and_buffer_by_name():
    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    state = model.state_dict()
    assert list(state)[: len(model.parameters())] == [name for name, _ in model.named_parameters()]
    assert state["layers.0.batchnorm.gamma.2"] == 1.0 and state["layers.0.batchnorm.running_var.1"] == 1.0
    assert len(state) == len(model.parameters()) + 2 * 3


def test_load_state_dict_copies_every_number():
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()


def test_load_state_dict_with_a_missing_name_says_so_and_changes_nothing():
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    before = b.state_dict()
    state = a.state_dict()
    del state["layers.1.neurons.0.b"]
    state["layers.2.neurons.0.b"] = 0.0
    with pytest.raises(
        ValueError, match=r"expected 13 entries, got 13; missing 'layers.1.neurons.0.b'; unexpected"
    ):
        b.load_state_dict(state)
    assert b.state_dict() == before


def test_load_state_dict_with_a_bad_value_changes_nothing():
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    before = b.state_dict()
    state = a.state_dict()
    state["layers.1.neurons.0.b"] = math.nan  # the last entry: a naive loader would have copied the rest
    with pytest.raises(ValueError, match="'layers.1.neurons.0.b' must be a finite number, got nan"):
        b.load_state_dict(state)
    assert b.state_dict() == before


def test_load_state_dict_from_a_different_architecture_names_the_counts():
    with pytest.raises(ValueError, match="expected 13 entries, got 9"):
        nn.MLP(2, [3, 1]).load_state_dict(nn.MLP(2, [2, 1]).state_dict())


@pytest.mark.parametrize("name", list(models()))
def test_save_and_load_round_trip_every_number_exactly(tmp_path, name):
    model = models()[name]
    model.eval()
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()  # == on floats: exact, bit for bit
    assert [p.label for p in loaded.parameters()] == [p.label for p in model.parameters()]
    assert loaded.training is False
    assert np.array_equal(loaded.predict(X), model.predict(X))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=4, max_size=4))
def test_any_finite_float_survives_save_and_load(tmp_path_factory, numbers):
    neuron = nn.Neuron(3, activation="linear")
    for p, x in zip(neuron.parameters(), numbers):
        p.data = x
    path = tmp_path_factory.mktemp("floats") / "neuron.json"
    neuron.save(path)
    assert [p.data for p in nn.load(path).parameters()] == numbers


def test_a_saved_model_is_readable_json(tmp_path):
    nn.MLP(2, [1], seed=0).save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == "backprop-lab model" and document["model"]["class"] == "MLP"
    assert document["model"]["config"]["sizes"] == [1]
    assert set(document["state"]) == {
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
    }


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failure_mid_save_leaves_the_old_file_intact_and_no_temporary_file(tmp_path, monkeypatch, failure):
    path = tmp_path / "model.json"
    old = nn.MLP(2, [3, 1], seed=0)
    old.save(path)
    old_bytes = path.read_bytes()

    def dump_half_then_fail(obj, f, **kwargs):
        f.write('{"format": "backprop-lab model", "half')
        raise failure

    monkeypatch.setattr(nn.saving.json, "dump", dump_half_then_fail)
    with pytest.raises(type(failure)):
        nn.MLP(2, [3, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.json"]
    assert nn.load(path).state_dict() == old.state_dict()


def test_loading_something_else_fails_clearly(tmp_path):
    (tmp_path / "text.json").write_text("hello")
    with pytest.raises(ValueError, match="not a saved model"):
        nn.load(tmp_path / "text.json")
    (tmp_path / "other.json").write_text('{"weights": [1, 2]}')
    with pytest.raises(ValueError, match="not a saved backprop-lab model"):
        nn.load(tmp_path / "other.json")
    document = {"format": "backprop-lab model", "version": 1, "model": {"class": "Transformer"}, "state": {}}
    (tmp_path / "odd.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match="unknown module class 'Transformer'; expected one of: .*MLP"):
        nn.load(tmp_path / "odd.json")
