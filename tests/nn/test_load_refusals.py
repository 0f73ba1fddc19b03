"""nn.load treats a file as input: it checks the file, then every field, then the sizes, before it builds.

Each refusal is a ValueError that names the file and the field; none of them allocates
what the file asks for (a BatchNorm of 10**9 units is refused in milliseconds).
"""

import copy
import json
import os
import re

import pytest

import nn
import nn.saving

BN_STATE = {"gamma.0": 1.0, "beta.0": 0.0, "running_mean.0": 0.0, "running_var.0": 1.0}


def saved(**changes):
    """The document of a saved MLP(2, [3, 1], batchnorm=True), with ``changes`` applied by dotted path."""
    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0).eval()
    document = {
        "format": "backprop-lab model",
        "version": 1,
        "model": model.spec(),
        "training": False,
        "state": model.state_dict(),
    }
    document = copy.deepcopy(document)
    for path, value in changes.items():
        *parents, last = path.split("/")
        where = document
        for key in parents:
            where = where[key]
        if value is DELETE:
            del where[last]
        else:
            where[last] = value
    return document


DELETE = object()


def batchnorm_document(config, state=BN_STATE):
    return {
        "format": "backprop-lab model",
        "version": 1,
        "model": {"class": "BatchNorm", "config": config},
        "state": state,
    }


def write(tmp_path, document=None, raw=None):
    path = tmp_path / "model.json"
    if raw is None:
        raw = json.dumps(document).encode()
    path.write_bytes(raw)
    return path


# The file itself: only a regular file, read with a cap.


def test_a_device_a_fifo_and_a_folder_are_refused_without_reading(tmp_path):
    os.mkfifo(tmp_path / "fifo")  # opening it for reading would wait for a writer forever
    cases = {"/dev/zero": "a character device", tmp_path / "fifo": "a FIFO", tmp_path: "a folder"}
    for path, what in cases.items():
        with pytest.raises(ValueError, match=f"{path} is {what}.*, not a saved model"):
            nn.load(path)
        with pytest.raises(OSError):  # the same error is an OSError too, for code that catches those
            nn.load(path)


def test_a_symbolic_link_to_a_saved_model_loads_and_one_to_a_device_is_refused(tmp_path):
    model = nn.Neuron(2, seed=0)
    model.save(tmp_path / "real.json")
    os.symlink(tmp_path / "real.json", tmp_path / "link.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    assert nn.load(tmp_path / "link.json").state_dict() == model.state_dict()
    with pytest.raises(ValueError, match="zero.json is a character device"):
        nn.load(tmp_path / "zero.json")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    nn.Neuron(2, seed=0).save(path)
    size = path.stat().st_size
    monkeypatch.setattr(nn.saving, "MAX_FILE_BYTES", size)
    assert nn.load(path).nin == 2  # exactly at the limit: read
    monkeypatch.setattr(nn.saving, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(ValueError, match=f"has {size} bytes; a saved model has at most {size - 1}"):
        nn.load(path)


def test_text_that_is_not_utf8_or_not_json_is_refused(tmp_path):
    cases = {
        b'{"format": "\xff\xfe"}': "not UTF-8",
        b"\xef\xbb\xbf" + json.dumps(saved()).encode(): "not JSON",  # a byte-order mark
        b"hello": "not JSON",
        b"": "not JSON",
        b'{"format": "backprop-lab model", "version": 1}': None,  # JSON, but no model
        b'{"x": 1' + b"0" * 5000 + b"}": "not JSON: Exceeds the limit",  # a 5001-digit integer
    }
    for raw, message in cases.items():
        path = write(tmp_path, raw=raw)
        with pytest.raises(ValueError, match=message or "the field 'model' is missing"):
            nn.load(path)


@pytest.mark.parametrize("depth, refused", [(99, False), (100, False), (101, True), (100_000, True)])
def test_nesting_deeper_than_the_limit_is_refused_without_recursion(tmp_path, depth, refused):
    path = write(tmp_path, raw=b'{"x": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}")
    message = f"nested {depth} deep, at most 100" if refused else "not a saved backprop-lab model"
    with pytest.raises(ValueError, match=message):
        nn.load(path)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    document = saved(**{"model/config/activation": "[" * 500})
    with pytest.raises(ValueError, match="model.config: unknown activation '\\[\\[\\["):
        nn.load(write(tmp_path, document))


# The fields: each one named.


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"model": DELETE}, "the field 'model' is missing"),
        ({"state": DELETE}, "the field 'state' is missing"),
        ({"state": [1.0, 2.0]}, "'state' must be an object of name -> number, got list"),
        ({"model": "MLP"}, "model: must be an object"),
        ({"model/class": "Transformer"}, "model.class: unknown module class 'Transformer'"),
        ({"model/class": ["MLP"]}, "model.class: unknown module class \\['MLP'\\]"),
        ({"model/config": [2, [3, 1]]}, "model.config: must be an object of name -> value, got list"),
        ({"model/config/nin": DELETE}, "model.config: nin must be a whole number >= 1, got None"),
        ({"model/config/nin": "2"}, "model.config: nin must be a whole number >= 1, got '2'"),
        ({"model/config/nin": 0}, "model.config: nin must be a whole number >= 1, got 0"),
        ({"model/config/sizes": "3,1"}, "model.config: sizes must be a non-empty list"),
        ({"model/config/sizes": []}, "model.config: sizes must be a non-empty list"),
        ({"model/config/sizes": [3, 1.5]}, "model.config: sizes\\[1\\] must be a whole number"),
        ({"model/config/seed": -5}, "model.config: seed must be None, a whole number >= 0 .*got -5"),
        ({"model/config/seed": 1.5}, "model.config: seed must be None, an int"),
        ({"model/config/batchnorm": "no"}, "model.config: batchnorm must be true or false, got 'no'"),
        ({"model/config/residual": 1}, "model.config: residual must be true or false, got 1"),
        ({"model/config/activation": "swish"}, "model.config: unknown activation 'swish'"),
        ({"model/config/activation": ["relu"]}, "model.config: unknown activation \\['relu'\\]"),
        ({"model/config/init": ["kaiming"]}, "model.config: unknown init \\['kaiming'\\]"),
        ({"model/config/colour": "red"}, "model.config: .*unexpected keyword argument 'colour'"),
        ({"training": "no"}, "'training' must be true or false, got 'no'"),
        ({"training": 0}, "'training' must be true or false, got 0"),
        ({"training": None}, "'training' must be true or false, got None"),
        (
            {"state/layers.0.batchnorm.running_var.1": -5},
            "state entry 'layers.0.batchnorm.running_var.1' is a variance and must be >= 0, got -5.0",
        ),
        (
            {"state/layers.0.batchnorm.running_var.1": "1"},
            "state entry 'layers.0.batchnorm.running_var.1' must be a finite number, got '1'",
        ),
        (
            {"state/layers.0.neurons.0.w.0": True},
            "state entry 'layers.0.neurons.0.w.0' must be a finite number, got True",
        ),
        (
            {"state/layers.0.neurons.0.w.0": 10**400},
            "state entry 'layers.0.neurons.0.w.0' must be a finite number, got about 10\\*\\*400",
        ),
        ({"state/layers.0.neurons.0.w.0": -(10**400)}, "state entry .* got about -10\\*\\*400"),
        ({"state/extra": 1.0}, "'model' asks for 22 parameters and buffers, but 'state' holds 23"),
        ({"version": 10**400}, "format version about 10\\*\\*400; this nn reads version 1"),
    ],
)
def test_each_bad_field_is_a_value_error_naming_it(tmp_path, changes, message):
    path = write(tmp_path, saved(**changes))
    with pytest.raises(ValueError, match=f"^{re.escape(str(path))}(: | has ){message}"):
        nn.load(path)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"n": 1, "eps": "x"}, "model.config: eps must be a finite number, got 'x'"),
        ({"n": 1, "eps": 0}, "model.config: eps must be > 0, got 0"),
        ({"n": 1, "eps": -1e-5}, "model.config: eps must be > 0"),
        ({"n": 1, "momentum": 1.5}, "model.config: momentum must be a number in \\[0, 1\\], got 1.5"),
        ({"n": 1, "momentum": -0.1}, "model.config: momentum must be a number in \\[0, 1\\]"),
        ({"n": True}, "model.config: n must be a whole number >= 1, got True"),
    ],
)
def test_batchnorm_fields_are_checked(tmp_path, config, message):
    with pytest.raises(ValueError, match=message):
        nn.load(write(tmp_path, batchnorm_document(config)))


def test_infinite_and_nan_numbers_in_the_file_are_refused_by_name(tmp_path):
    text = json.dumps(batchnorm_document({"n": 1, "eps": 1e-5}))
    for bad in ("Infinity", "-Infinity", "NaN", "1e400"):
        with pytest.raises(ValueError, match="model.config: eps must be a finite number"):
            nn.load(write(tmp_path, raw=text.replace("1e-05", bad).encode()))
        with pytest.raises(ValueError, match="state entry 'running_var.0' must be a finite number"):
            nn.load(
                write(tmp_path, raw=text.replace('"running_var.0": 1.0', f'"running_var.0": {bad}').encode())
            )


def test_a_batchnorm_at_its_edges_loads(tmp_path):
    for config, state in [
        ({"n": 1, "eps": 1e-300, "momentum": 0}, BN_STATE),
        ({"n": 1, "momentum": 1}, BN_STATE),
    ]:
        state = {**state, "running_var.0": 0.0}  # a variance of 0 is a variance
        model = nn.load(write(tmp_path, batchnorm_document(config, state)))
        assert model.eps == config.get("eps", 1e-5) and model.running_var == [0.0]


def test_a_nested_block_names_the_path_to_its_field(tmp_path):
    document = {
        "format": "backprop-lab model",
        "version": 1,
        "model": {
            "class": "Residual",
            "config": {"block": {"class": "Layer", "config": {"nin": 0, "nout": 2}}},
        },
        "state": {},
    }
    with pytest.raises(ValueError, match="model.config.block.config: nin must be a whole number >= 1, got 0"):
        nn.load(write(tmp_path, document))
    document["model"]["config"] = {}
    with pytest.raises(ValueError, match="model.config.block: must be an object"):
        nn.load(write(tmp_path, document))


# The sizes: checked against the state present and a limit, before anything is built.


@pytest.mark.parametrize(
    "spec",
    [
        {"class": "BatchNorm", "config": {"n": 10**9}},
        {"class": "MLP", "config": {"nin": 100_000, "sizes": [100_000]}},
        {"class": "Layer", "config": {"nin": 10**400, "nout": 1}},
        {"class": "Neuron", "config": {"nin": 10**9}},
        {"class": "Residual", "config": {"block": {"class": "BatchNorm", "config": {"n": 10**9}}}},
        {
            "class": "Highway",
            "config": {"layer": {"class": "BatchNorm", "config": {"n": 50_000}}},
        },  # a 50,000^2 gate
        {"class": "MLP", "config": {"nin": 2, "sizes": [1, 60_000, 60_000, 1], "connections": "highway"}},
        {"class": "DenseBlock", "config": {"layers": [{"class": "Neuron", "config": {"nin": 10**6}}]}},
    ],
)
def test_a_huge_model_in_a_small_file_is_refused_before_building(tmp_path, spec, monkeypatch):
    built = []
    monkeypatch.setattr(nn.saving, "from_spec", lambda spec: built.append(spec))
    path = write(tmp_path, {"format": "backprop-lab model", "version": 1, "model": spec, "state": {}})
    with pytest.raises(ValueError, match="parameters and buffers, more than 200000"):
        nn.load(path)
    assert built == []


def test_a_model_larger_than_its_state_is_refused_before_building(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(nn.saving, "from_spec", lambda spec: built.append(spec))
    path = write(tmp_path, saved(**{"model/config/sizes": [3, 50]}))  # 18 + 50 * (3 + 1) entries
    with pytest.raises(ValueError, match="'model' asks for 218 parameters and buffers, but 'state' holds 22"):
        nn.load(path)
    assert built == []


def test_the_entry_limit_is_inclusive(tmp_path, monkeypatch):
    path = write(tmp_path, batchnorm_document({"n": 1}))
    monkeypatch.setattr(nn.saving, "MAX_STATE_ENTRIES", 4)
    assert nn.load(path).nin == 1
    monkeypatch.setattr(nn.saving, "MAX_STATE_ENTRIES", 3)
    with pytest.raises(ValueError, match="asks for 4 parameters and buffers, more than 3"):
        nn.load(path)


def models():
    yield nn.Neuron(3, bias=False)
    yield nn.Neuron(3)
    yield nn.Layer(2, 4)
    yield nn.Layer(2, 4, bias=False)
    yield nn.Layer(3, 3, batchnorm=True, residual=True)
    yield nn.MLP(2, [1])
    yield nn.MLP(2, [5, 5, 5, 2], batchnorm=True, residual=True)
    yield nn.BatchNorm(7)
    yield nn.Residual(nn.Residual(nn.Layer(2, 2, batchnorm=True)))
    for connections in ("plain", "residual", "highway", "dense"):
        yield nn.MLP(2, [3, 3, 3, 1], connections=connections, batchnorm=True, dropout=0.2)
        yield nn.MLP(3, [3, 4, 4, 2], connections=connections)
    yield nn.Highway(nn.Layer(3, 3))
    yield nn.Highway(nn.BatchNorm(4))
    yield nn.DenseBlock([nn.Layer(2, 4), nn.Layer(6, 4, batchnorm=True)])
    yield nn.Dropout(0.5, 7)


@pytest.mark.parametrize("model", list(models()), ids=repr)
def test_state_size_counts_exactly_the_entries_a_module_has(model):
    assert type(model).state_size(model.config()) == len(model.state_dict())


def test_a_training_mode_model_loads_in_training_mode_and_an_old_file_without_the_field_too(tmp_path):
    for training, document in [
        (True, saved(training=True)),
        (False, saved()),
        (True, saved(training=DELETE)),
    ]:
        assert nn.load(write(tmp_path, document)).training is training


def test_a_good_file_still_loads_every_number_exactly(tmp_path):
    document = saved()
    loaded = nn.load(write(tmp_path, document))
    assert loaded.state_dict() == document["state"] and loaded.spec() == document["model"]
