"""Saving writes only regular files, and never a model with a NaN or infinite number.

``nn.files.write_atomic`` (the one writer, viz's too) refuses to replace a folder, a
device, a FIFO or a socket, through a symbolic link too; ``Module.save`` names the
parameter that is not finite.
"""

import math
import os
import socket

import pytest

import nn
from nn.files import NotARegularFile, write_atomic


def special_files(tmp_path):
    """A FIFO, a link to /dev/null, a folder, a link to a folder and a socket, each with what it is."""
    os.mkfifo(tmp_path / "fifo")
    os.symlink("/dev/null", tmp_path / "null")
    (tmp_path / "folder").mkdir()
    os.symlink(tmp_path / "folder", tmp_path / "folder-link")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "sock"))
    listener.close()
    return {
        "fifo": "a FIFO",
        "null": "a character device",
        "folder": "a folder",
        "folder-link": "a folder",
        "sock": "a socket",
    }


def test_save_never_replaces_a_fifo_a_device_a_folder_or_a_socket(tmp_path):
    kinds = special_files(tmp_path)
    before = sorted(os.listdir(tmp_path))
    for name, what in kinds.items():
        with pytest.raises(
            NotARegularFile, match=f"{name} is {what}.*not a regular file: refusing to replace it"
        ):
            nn.Neuron(2, seed=0).save(tmp_path / name)
    assert sorted(os.listdir(tmp_path)) == before  # no temporary file left either
    assert (tmp_path / "null").is_symlink() and os.readlink(tmp_path / "null") == "/dev/null"
    assert (tmp_path / "fifo").is_fifo() and os.listdir(tmp_path / "folder") == []


def test_the_refusal_is_both_a_value_error_and_an_os_error(tmp_path):
    special_files(tmp_path)
    for error in (ValueError, OSError):
        with pytest.raises(error):
            write_atomic(tmp_path / "fifo", "text")


def test_regular_files_new_files_and_links_to_regular_files_are_still_written(tmp_path):
    model = nn.Neuron(2, seed=0)
    (tmp_path / "old.json").write_text("old")
    os.symlink(tmp_path / "old.json", tmp_path / "link.json")
    os.symlink(tmp_path / "nowhere.json", tmp_path / "dangling.json")
    for name in ("new.json", "old.json", "link.json", "dangling.json"):
        model.save(tmp_path / name)
        assert nn.load(tmp_path / name).state_dict() == model.state_dict()


def test_a_folder_is_not_created_where_the_target_is_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotARegularFile):
        write_atomic(tmp_path / "fifo", b"x")
    assert os.listdir(tmp_path) == ["fifo"]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_saving_a_model_with_a_non_finite_number_names_it_and_writes_nothing(tmp_path, bad):
    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    model.save(tmp_path / "model.json")
    old = (tmp_path / "model.json").read_bytes()
    model.layers[0].neurons[1].w[0].data = bad
    with pytest.raises(ValueError, match=rf"save: the model's layers\.0\.neurons\.1\.w\.0 is {bad!r}"):
        model.save(tmp_path / "model.json")
    model.layers[0].neurons[1].w[0].data = 0.5
    model.layers[0].batchnorm.running_var[2] = bad  # a buffer too
    with pytest.raises(ValueError, match=rf"layers\.0\.batchnorm\.running_var\.2 is {bad!r}"):
        model.save(tmp_path / "model.json")
    assert (tmp_path / "model.json").read_bytes() == old and os.listdir(tmp_path) == ["model.json"]


def test_the_largest_and_smallest_finite_numbers_still_save(tmp_path):
    model = nn.Neuron(2, seed=0)
    for p, x in zip(model.parameters(), [1.7976931348623157e308, -5e-324, 0.0]):
        p.data = x
    model.save(tmp_path / "m.json")
    assert [p.data for p in nn.load(tmp_path / "m.json").parameters()] == [
        1.7976931348623157e308,
        -5e-324,
        0.0,
    ]


def test_batchnorm_refuses_eps_and_momentum_it_cannot_use():
    for eps in (math.inf, math.nan, 0.0, -1e-5, "x", None):
        with pytest.raises(ValueError, match="eps must be"):
            nn.BatchNorm(2, eps=eps)
    for momentum in (-0.1, 1.5, math.inf, math.nan, "0.1"):
        with pytest.raises(ValueError, match="momentum must be a number in \\[0, 1\\]"):
            nn.BatchNorm(2, momentum=momentum)
    for n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n must be a whole number >= 1"):
            nn.BatchNorm(n)
    edge = nn.BatchNorm(2, eps=5e-324, momentum=0.0)
    assert edge.eps == 5e-324 and nn.BatchNorm(2, momentum=1.0).momentum == 1.0


def test_load_state_dict_refuses_a_negative_running_variance_and_changes_nothing():
    model = nn.BatchNorm(2)
    state = model.state_dict()
    with pytest.raises(
        ValueError, match="state entry 'running_var.1' is a variance and must be >= 0, got -5.0"
    ):
        model.load_state_dict({**state, "running_mean.0": 3.0, "running_var.1": -5.0})
    assert model.state_dict() == state
    model.load_state_dict({**state, "running_var.1": 0.0})
    assert model.running_var == [1.0, 0.0]
