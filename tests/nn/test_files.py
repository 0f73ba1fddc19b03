"""nn.files.write_atomic, the project's one file writer, and the files nn writes with it."""

import csv
import json
import os

import pytest

import nn
from nn.files import write_atomic


def test_write_atomic_writes_bytes_text_and_what_a_function_writes(tmp_path):
    assert write_atomic(tmp_path / "a.bin", b"\x00\x01") == tmp_path / "a.bin"
    write_atomic(tmp_path / "b.txt", "r\u00e9sum\u00e9\r\n")
    write_atomic(tmp_path / "c.json", lambda f: json.dump({"x": [1, 2]}, f))
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_bytes() == "r\u00e9sum\u00e9\r\n".encode()
    assert json.loads((tmp_path / "c.json").read_text()) == {"x": [1, 2]}
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "b.txt", "c.json"]


def test_write_atomic_makes_missing_folders_and_keeps_a_replaced_file_s_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = write_atomic(tmp_path / "new" / "deeper" / "f.txt", "one")
    assert path.read_text() == "one" and path.stat().st_mode & 0o777 == 0o666 & ~umask
    os.chmod(path, 0o600)
    write_atomic(path, "two")
    assert path.read_text() == "two" and path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path, failure):
    path = write_atomic(tmp_path / "f.txt", "old")

    def write_half_then_fail(f):
        f.write("ne")
        raise failure

    with pytest.raises(type(failure)):
        write_atomic(path, write_half_then_fail)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["f.txt"]


def small_history():
    X, y = nn.data.gauss(20, seed=0)
    return nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)


def test_history_to_csv_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    small_history().to_csv(path)
    old = path.read_bytes()

    class HalfWriter(csv.DictWriter):
        def writerows(self, rows):
            self.writerow(next(iter(rows)))
            raise OSError("disk full")

    monkeypatch.setattr(nn.history.csv, "DictWriter", HalfWriter)
    with pytest.raises(OSError, match="disk full"):
        small_history().to_csv(path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["history.csv"]


def test_a_model_is_saved_into_a_folder_made_for_it(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    model.save(tmp_path / "runs" / "model.json")
    assert nn.load(tmp_path / "runs" / "model.json").state_dict() == model.state_dict()


def test_viz_writes_with_nn_s_writer():
    import viz.files

    assert viz.files.write_atomic is write_atomic


def test_only_a_durable_write_forces_its_data_onto_the_disk_as_a_saved_model_does(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    write_atomic(tmp_path / "picture.svg", "<svg/>")
    assert synced == []
    write_atomic(tmp_path / "important.txt", "keep", durable=True)
    assert len(synced) == 1
    nn.MLP(2, [1], seed=0).save(tmp_path / "model.json")
    assert len(synced) == 2
