"""The command line used as a hostile user would: name clashes, unwritable outputs, sizes, divergence."""

from __future__ import annotations

import errno
import os
import re

import pytest

import autograd
import viz.cli.parser
import viz.cli.train
import viz.graph.dot

TINY = ["--points", "40", "--epochs", "3", "--hidden", "3", "--batch-size", "10"]


def one_error_line(stderr: str, command: str = "graph") -> str:
    """The one line of an error; a progress bar (its carriage-return frames) may come before it."""
    (line,) = [line for line in stderr.split("\n") if line.strip() and "%|" not in line]
    assert line.startswith(f"backprop-lab {command}: error: ") and "Traceback" not in stderr
    return line


# ----- graph: the output's name never collides with a variable's -----


@pytest.mark.parametrize(
    "expression, at, name, gradients",
    [
        ("x*y", ["x=2", "y=3"], "f", {"x": 3, "y": 2}),
        ("x*y*f", ["x=2", "y=3", "f=1"], "out", {"x": 3, "y": 2, "f": 6}),
        ("y*f*out*result", ["y=1", "f=2", "out=3", "result=4"], "y1", {"y": 24, "out": 8}),
        ("x*w", ["x=2", "w=3"], "y", {"x": 3, "w": 2}),  # no collision: y as before
    ],
)
def test_the_output_is_named_apart_from_the_variables(
    cli, tmp_path, read_svg, expression, at, name, gradients
):
    graph = tmp_path / "g.svg"
    status, out, err = cli("graph", expression, "--at", *at, "-o", str(graph))
    assert (status, err) == (0, "")
    assert out.startswith(f"{name} = {expression}\n")
    for variable, g in gradients.items():
        assert re.search(rf"^d{name}/d{variable} *= {g}$", out, re.M), (variable, out)
    svg = read_svg(graph.read_bytes())
    labels = [svg.texts(i)[0] for i in svg.ids("v")]
    assert labels.count(name) == 1 and all(labels.count(v) == 1 for v in gradients)


# ----- graph: an output that cannot be written is one line, exit 2, before any work -----


def odd(path, kind):
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/null", path)


@pytest.mark.parametrize(
    "make, option, says",
    [
        (lambda t: "", "-o", "-o: expected a file name, got an empty one"),
        (lambda t: " ", "-o", "-o: expected a file name, got an empty one"),
        (lambda t: "", "--steps", "--steps: expected a file name, got an empty one"),
        (lambda t: odd(t / "g.svg", "folder") or t / "g.svg", "-o", "is a folder"),
        (lambda t: odd(t / "g.svg", "fifo") or t / "g.svg", "-o", "is a FIFO (named pipe)"),
        (lambda t: odd(t / "g.svg", "device") or t / "g.svg", "-o", "is a device"),
        (lambda t: odd(t / "s.html", "folder") or t / "s.html", "--steps", "is a folder"),
        (lambda t: odd(t / "s.html", "fifo") or t / "s.html", "--steps", "is a FIFO (named pipe)"),
        (lambda t: (t / "file").write_text("x") and t / "file" / "g.svg", "-o", "Not a directory"),
        (
            lambda t: (t / "file").write_text("x") and t / "file" / "sub" / "g.svg",
            "-o",
            "cannot be written: Not a directory",
        ),
        (lambda t: t / ("a" * 300 + ".svg"), "-o", "cannot be written: File name too long"),
        (lambda t: t / ("a" * 300 + ".html"), "--steps", "cannot be written: File name too long"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_work(cli, tmp_path, make, option, says):
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = cli("graph", "x*w", "--at", "x=2", "w=3", option, str(path))
    assert status == 2 and out == ""  # refused before the numbers were printed
    assert says in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    "code, says",
    [
        (errno.ENOSPC, "No space left on device"),
        (errno.EROFS, "Read-only file system"),
        (errno.EACCES, "Permission"),
    ],
)
def test_a_write_that_fails_is_one_line_exit_2_and_keeps_the_old_file(cli, tmp_path, monkeypatch, code, says):
    graph = tmp_path / "g.svg"
    graph.write_text("the old picture")

    def failing(path, content, durable=False):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(viz.graph.dot, "write_atomic", failing)
    status, out, err = cli("graph", "x*w", "--at", "x=2", "w=3", "-o", str(graph))
    assert status == 2 and "dy/dx = 3" in out  # the numbers were computed; only the picture failed
    line = one_error_line(err)
    assert f"could not write {graph}: {says}" in line and "nothing was replaced" in line
    assert graph.read_text() == "the old picture"


# ----- graph: --max-nodes and --collapse -----


def test_a_graph_over_the_limit_suggests_the_options_the_command_has(cli, tmp_path):
    status, out, err = cli(
        "graph",
        "sin(w1*x + log(x)) + cos(x)",
        "--at",
        "x=2",
        "w1=0.5",
        "--max-nodes",
        "5",
        "-o",
        str(tmp_path / "g.svg"),
    )
    assert status == 2
    line = one_error_line(err)
    assert "the graph has 8 nodes, more than --max-nodes 5; add --max-nodes 8 to draw it anyway" in line
    assert "--collapse neuron or --collapse layer" in line and "collapse='" not in line
    status, _, _ = cli(
        "graph",
        "sin(w1*x + log(x)) + cos(x)",
        "--at",
        "x=2",
        "w1=0.5",
        "--max-nodes",
        "8",
        "-o",
        str(tmp_path / "g.svg"),
    )
    assert status == 0 and (tmp_path / "g.svg").exists()


def test_the_player_honours_max_nodes_too(cli, tmp_path):
    status, _, err = cli(
        "graph", "x*w + 1", "--at", "x=2", "w=3", "--max-nodes", "3", "--steps", str(tmp_path / "s.html")
    )
    assert status == 2 and "more than --max-nodes 3" in one_error_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["0", "-1", "x", "2001", "1e9", str(10**100)])
def test_max_nodes_is_bounded(cli, value):
    status, out, err = cli("graph", "x", "--at", "x=1", "--max-nodes", value)
    assert status == 2 and out == ""
    assert "argument --max-nodes: expected a whole number from 1 to 2000" in one_error_line(err)


def test_collapse_draws_an_expression_as_it_is_and_is_refused_for_the_player(cli, tmp_path, read_svg):
    graph = tmp_path / "g.svg"
    status, _, _ = cli("graph", "x*w", "--at", "x=2", "w=3", "--collapse", "neuron", "-o", str(graph))
    assert status == 0 and len(read_svg(graph.read_bytes()).ids("v")) == 3  # no neurons in an expression
    status, _, err = cli(
        "graph", "x*w", "--at", "x=2", "w=3", "--collapse", "layer", "--steps", str(tmp_path / "s.html")
    )
    assert status == 2 and "cannot collapse" in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg"]


@pytest.mark.parametrize("op", ["-", "*", "+"])
def test_a_variable_used_80_times_answers_in_seconds(cli, tmp_path, op):
    graph = tmp_path / "g.svg"
    status, out, err = cli("graph", op.join(["x"] * 80), "--at", "x=1.001", "-o", str(graph))
    assert (status, err) == (0, "") and graph.read_bytes().startswith(b"<?xml")


def test_a_layout_that_takes_too_long_is_one_line_with_a_hint(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(viz.graph.dot, "DOT_TIMEOUT", 0.0001)
    status, out, err = cli("graph", "x*w", "--at", "x=2", "w=3", "-o", str(tmp_path / "g.svg"))
    assert status == 2
    assert "took more than 0.0001 s" in one_error_line(err) and "draw a smaller expression" in err
    assert list(tmp_path.iterdir()) == []


# ----- train: every size bounded, the seed checked, divergence reported -----


@pytest.mark.parametrize(
    "option, value, says",
    [
        ("--hidden", "1000000000", "expected layers at most 256 wide, got 1000000000"),
        ("--hidden", "8,257", "expected layers at most 256 wide, got 257"),
        ("--hidden", ",".join(["2"] * 17), "expected at most 16 hidden layers, got 17"),
        ("--hidden", "9" * 5000, "expected layer widths such as 8,8 (or none)"),
        ("--points", "1000000000", "expected at most 20,000, got '1000000000'"),
        ("--points", "20001", "expected at most 20,000"),
        ("--points", "9" * 5000, "expected a whole number >= 4"),
        ("--epochs", "100001", "expected at most 100,000"),
        ("--batch-size", "20001", "expected at most 20,000"),
        ("--seed", "-1", "expected a whole number >= 0, got '-1'"),
        ("--seed", "4294967296", "expected at most 4,294,967,295"),
        ("--seed", "1.5", "expected a whole number >= 0, got '1.5'"),
    ],
)
def test_a_size_or_seed_out_of_bounds_is_one_line_exit_2(cli, tmp_path, monkeypatch, option, value, says):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("train", option, value)
    assert status == 2 and out == ""
    assert f"argument {option}: {says}" in one_error_line(err, "train")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["20000", "256", "16"])
def test_the_bounds_themselves_are_accepted(value):
    parser = viz.cli.parser.build_parser()
    option = {"20000": "--points", "256": "--hidden", "16": "--hidden"}[value]
    text = ",".join(["2"] * 16) if value == "16" else value
    args = parser.parse_args(["train", option, text, "--seed", str(2**32 - 1)])
    assert args.seed == 2**32 - 1


@pytest.mark.parametrize("lr", ["1e300", "1e6"])
def test_a_diverging_run_exits_non_zero_saying_so_and_writes_nothing(cli, tmp_path, lr):
    out = tmp_path / "run"
    status, stdout, stderr = cli("train", *TINY, "--lr", lr, "--optimizer", "sgd", "--out", str(out))
    assert status == 1
    assert "accuracy" not in stdout and "wrote" not in stdout
    line = [text for text in stderr.splitlines() if "error:" in text]
    assert (
        len(line) == 1 and "training diverged" in line[0] and f"lower --lr (it is {float(lr):g})" in line[0]
    )
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_sane_rate_is_not_called_diverged():
    class History:
        loss, val_loss = [0.7, 0.5, 0.3], [0.8, 0.6, 0.4]

    assert viz.cli.train._diverged(History, 0.69) is None
    History.loss = [0.7, float("nan"), 0.3]
    assert (
        viz.cli.train._diverged(History, 0.69)
        == "training diverged: the loss is nan (validation 0.6) in epoch 1"
    )
    History.loss, History.val_loss = [0.7, 5.0, 690.0], [0.8, 6.0, 689.0]
    assert viz.cli.train._diverged(History, 0.69) is None  # under 1000 x max(start, 1)
    History.loss = [0.7, 5.0, 1001.0]
    assert "from 0.69 to 1001" in viz.cli.train._diverged(History, 0.69)


def test_a_full_disk_while_writing_the_run_is_one_line_and_leaves_nothing(cli, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "history.png")

    monkeypatch.setattr(viz.cli.train, "save_png", full)
    status, stdout, stderr = cli("train", *TINY, "--out", str(tmp_path / "run"))
    assert status == 2 and "accuracy" not in stdout
    assert "could not write history.png: No space left on device; nothing was written" in one_error_line(
        stderr, "train"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "error",
    [FloatingPointError("the loss exploded in epoch 3"), autograd.DomainError("mul: a * b overflows")],
)
def test_divergence_found_by_fit_exits_1_with_its_reason(cli, tmp_path, monkeypatch, error):
    def diverging(*args, **kwargs):  # what nn.fit raises when it stops a run that ran away
        raise error

    monkeypatch.setattr(viz.cli.train.nn, "fit", diverging)
    status, stdout, stderr = cli("train", *TINY, "--out", str(tmp_path / "run"))
    assert status == 1 and "accuracy" not in stdout
    line = one_error_line(stderr, "train")
    assert f"training diverged ({error})" in line and "lower --lr (it is 0.01)" in line
    assert list(tmp_path.iterdir()) == []
