"""viz.cli.common: the learning-rate schedules of the command line are nn's, set over the run's epochs."""

from __future__ import annotations

import csv

import pytest

import nn
from viz.cli import common


def test_every_schedule_of_nn_is_a_choice_of_the_command_line():
    assert common.SCHEDULES[0] == "none"
    assert list(common.SCHEDULES[1:]) == list(nn.schedules.SCHEDULES)


@pytest.mark.parametrize("name", [n for n in common.SCHEDULES if n != "none"])
def test_each_schedule_is_nn_s_own_class(name):
    assert type(common.schedule(name, 9)) is nn.schedules.SCHEDULES[name]


def test_no_schedule_is_none():
    assert common.schedule("none", 9) is None


def test_step_multiplies_the_rate_by_0_3_at_each_third_of_the_epochs():
    rates = common.schedule("step", 9).rates(1.0, 9)
    assert rates == pytest.approx([1.0] * 3 + [0.3] * 3 + [0.09] * 3)


def test_a_run_shorter_than_three_epochs_still_steps_each_epoch():
    assert common.schedule("step", 2).rates(1.0, 2) == pytest.approx([1.0, 0.3])


@pytest.mark.parametrize("name", ["linear", "cosine"])
def test_linear_and_cosine_go_down_to_one_percent_at_the_last_epoch(name):
    rates = common.schedule(name, 10).rates(2.0, 11)
    assert rates[0] == 2.0 and rates[10] == pytest.approx(0.02)
    assert all(a > b for a, b in zip(rates[:10], rates[1:]))  # strictly down until the end


def test_cosine_is_half_way_at_half_the_epochs():
    # end + (base - end) (1 + cos(pi/2)) / 2 with base 1, end 0.01
    assert common.schedule("cosine", 10)(1.0, 5) == pytest.approx(0.01 + 0.99 * 0.5)


def test_train_uses_the_schedule_for_every_epoch(cli, tmp_path):
    out = tmp_path / "run"
    status, _, _ = cli(
        "train", "--points", "40", "--epochs", "3", "--hidden", "3", "--schedule", "step", "--out", str(out)
    )
    assert status == 0
    with open(out / "history.csv", newline="") as f:
        rates = [float(row["lr"]) for row in csv.DictReader(f)]
    assert rates == pytest.approx([0.01, 0.003, 0.0009])  # x0.3 each epoch: a third of 3 epochs is 1


def test_an_unknown_schedule_exits_2_with_the_choices(cli, tmp_path):
    status, _, err = cli("train", "--schedule", "warmup", "--out", str(tmp_path / "run"))
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("backprop-lab train: error: argument --schedule:")
    assert all(repr(name) in err for name in common.SCHEDULES)
    assert not (tmp_path / "run").exists()


def test_the_one_line_error_names_the_command_and_exits_2(capsys):
    error = common.argparse_error("graph", lambda message: " (a hint)")
    with pytest.raises(SystemExit) as info:
        error("argument -o: expected one argument")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err == "backprop-lab graph: error: argument -o: expected one argument (a hint)\n"


def test_usage_error_is_the_command_line_s_public_name():
    import viz.cli

    assert viz.cli.UsageError is common.UsageError and issubclass(common.UsageError, Exception)
