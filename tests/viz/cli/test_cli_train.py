"""`backprop-lab train`: a tiny run writes every file; bad input exits 2 with one line and touches nothing."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nn
import viz.cli
import viz.cli.train

CONSOLE_SCRIPT = Path(sys.executable).with_name("backprop-lab")
TINY = ["--points", "40", "--epochs", "3", "--hidden", "3", "--batch-size", "10"]
PNG = b"\x89PNG\r\n\x1a\n"


def snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_a_tiny_run_writes_every_file_and_prints_the_accuracies(cli, tmp_path):
    out = tmp_path / "runs" / "tiny"
    status, stdout, _ = cli("train", *TINY, "--out", str(out))
    assert status == 0
    assert {p.name for p in out.iterdir()} >= set(viz.cli.train.FILES)
    assert sorted(p.name for p in tmp_path.joinpath("runs").iterdir()) == ["tiny"]  # no work folder left over
    # the same data, split and model, rebuilt from the options: the printed numbers are the model's
    X, y = nn.data.spiral(40, 0.1, seed=0)
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, 0.25, seed=0)
    model = nn.load(out / "model.json")
    train = nn.accuracy(model, nn.data.features(X_train, ["r", "spiral"]), y_train)
    test = nn.accuracy(model, nn.data.features(X_test, ["r", "spiral"]), y_test)
    assert f"train accuracy: {train:.1%}" in stdout
    assert f"test accuracy:  {test:.1%}" in stdout
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert "grad_norm[layers.0]" in rows[0]
    for name in ("decision_boundary.png", "history.png", "gradient_flow.png"):
        assert (out / name).read_bytes().startswith(PNG)
    ET.fromstring((out / "network.svg").read_bytes())  # well-formed SVG
    document = json.loads((out / "run.json").read_text())
    assert document["options"]["hidden"] == [3] and document["results"]["test_accuracy"] == test


def test_a_regression_set_prints_the_losses(cli, tmp_path):
    status, stdout, _ = cli(
        "train", *TINY, "--dataset", "plane", "--features", "x1,x2", "--out", str(tmp_path / "p")
    )
    assert status == 0
    assert "train loss (mse):" in stdout and "test loss (mse):" in stdout


@pytest.mark.parametrize(
    "option, value, says",
    [
        ("--lr", "-1", "argument --lr: expected a learning rate > 0, got '-1'"),
        ("--noise", "0.9", "argument --noise: expected a number from 0 to 0.5"),
        ("--dataset", "nope", "argument --dataset: invalid choice: 'nope'"),
        ("--features", "r,nope", "argument --features: unknown feature(s) 'nope'; expected some of: x1, x2"),
        ("--hidden", "8,x", "argument --hidden: expected layer widths such as 8,8 (or none), got '8,x'"),
        ("--epochs", "0", "argument --epochs: expected a whole number >= 1, got '0'"),
        ("--batch-size", "ten", "argument --batch-size: expected a whole number >= 1, got 'ten'"),
        ("--activation", "swish", "argument --activation: invalid choice: 'swish'"),
        ("--test-size", "1", "argument --test-size: expected a fraction between 0 and 1, got '1'"),
        ("--points", "3", "argument --points: expected a whole number >= 4, got '3'"),
        ("--lr", "nan", "argument --lr: expected a number, got 'nan'"),
    ],
)
def test_a_bad_value_exits_2_with_one_line_and_writes_nothing(
    cli, tmp_path, monkeypatch, option, value, says
):
    monkeypatch.chdir(tmp_path)
    status, stdout, stderr = cli("train", option, value)
    assert status == 2
    assert stdout == ""
    assert stderr.count("\n") == 1 and stderr.startswith(f"backprop-lab train: error: {says}")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_output_folder_is_left_untouched_without_force(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("train", *TINY, "--out", str(out))[0] == 0
    before = snapshot(out)
    status, stdout, stderr = cli("train", *TINY, "--out", str(out))
    assert status == 2 and stdout == ""
    hint = "add --force to replace it, or choose another --out"
    assert stderr == f"backprop-lab train: error: --out {out} already exists; {hint}\n"
    assert snapshot(out) == before


def test_force_replaces_an_earlier_run(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("train", *TINY, "--out", str(out))[0] == 0
    status, _, _ = cli("train", *TINY, "--seed", "1", "--out", str(out), "--force")
    assert status == 0
    assert json.loads((out / "run.json").read_text())["options"]["seed"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_force_never_replaces_a_folder_that_is_not_a_run(cli, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    status, _, stderr = cli("train", *TINY, "--out", str(out), "--force")
    assert status == 2 and stderr.count("\n") == 1
    assert "was not made by backprop-lab train" in stderr
    assert (out / "thesis.tex").read_text() == "years of work" and len(list(out.iterdir())) == 1


def test_an_output_path_that_is_a_file_is_refused(cli, tmp_path):
    out = tmp_path / "file"
    out.write_text("x")
    status, _, stderr = cli("train", *TINY, "--out", str(out))
    assert status == 2 and "is not a folder" in stderr and out.read_text() == "x"


def test_an_interruption_while_writing_leaves_nothing_behind(cli, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(viz.cli.train, "draw_network", interrupted)
    status, _, stderr = cli("train", *TINY, "--out", str(tmp_path / "run"))
    assert status == 130 and "nothing was written" in stderr
    assert list(tmp_path.iterdir()) == []


def test_help_lists_the_data_sets_features_and_activations(cli):
    status, stdout, _ = cli("train", "--help")
    assert status == 0
    for name in [*nn.data.DATASETS, *nn.data.FEATURES, *nn.ACTIVATIONS]:
        assert name in stdout
    for option in ("--dataset", "--noise", "--features", "--hidden", "--activation", "--optimizer", "--lr"):
        assert option in stdout
    for option in ("--epochs", "--batch-size", "--seed", "--out", "--force"):
        assert option in stdout


def test_the_console_script_trains_with_a_progress_bar(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "train", *TINY, "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "3/3" in done.stderr  # tqdm's bar
    assert f"wrote into {out}" in done.stdout
