"""`backprop-lab graph`: the lecture's example from the command line, and every way to get it wrong."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from viz.cli import expression
from viz.graph.style import number

HOSTILE = Path(__file__).with_name("hostile_expressions.txt")
CONSOLE_SCRIPT = Path(sys.executable).with_name("backprop-lab")
LECTURE = "sin(w1*x + log(x)) + cos(x)"


def hostile_expressions() -> list[str]:
    lines = HOSTILE.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_the_lecture_example_prints_value_and_gradients_and_writes_pictures(
    cli, tmp_path, hand_gradients, read_svg
):
    graph, steps = tmp_path / "out" / "graph.svg", tmp_path / "out" / "steps.html"
    status, out, err = cli("graph", LECTURE, "--at", "x=2", "w1=0.5", "-o", str(graph), "--steps", str(steps))
    assert (status, err) == (0, "")
    y = math.sin(0.5 * 2 + math.log(2)) + math.cos(2)
    assert f"y      = {y:.7g}" in out
    assert f"dy/dx  = {hand_gradients['x']:.7g}" in out
    assert f"dy/dw1 = {hand_gradients['w1']:.7g}" in out
    assert f"wrote {graph}" in out and f"wrote {steps}" in out
    svg = read_svg(graph.read_bytes())
    printed = {svg.texts(i)[0]: svg.number(i, "grad") for i in svg.ids("v") if svg.texts(i)[0] in ("x", "w1")}
    assert printed == {"x": float(number(hand_gradients["x"])), "w1": float(number(hand_gradients["w1"]))}
    assert "Backprop step by step" in steps.read_text()


def test_local_grads_and_color_by_grad_reach_the_picture(cli, tmp_path, read_svg):
    graph = tmp_path / "graph.svg"
    status, _, _ = cli(
        "graph", LECTURE, "--at", "x=2", "w1=0.5", "-o", str(graph), "--local-grads", "--color-by", "grad"
    )
    assert status == 0
    svg = read_svg(graph.read_bytes())
    edge_numbers = [t for e in svg.ids("e") for t in svg.texts(e)]
    assert number(math.cos(0.5 * 2 + math.log(2))) in edge_numbers  # d sin(a)/da at a = 1.6931
    assert "|grad|" in [t.text for t in svg.root.iter("{http://www.w3.org/2000/svg}text")]


def test_at_values_may_be_given_with_commas(cli):
    status, out, _ = cli("graph", "x*y", "--at", "x=3,y=-0.5")
    assert status == 0 and "dy/dx = -0.5" in out and "dy/dy = 3" in out


@pytest.mark.parametrize("text", hostile_expressions())
def test_a_hostile_expression_is_refused_with_one_line_and_no_side_effect(cli, tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    at = ["--at", "x=2"] if re.search(r"\bx\b", text) else []
    status, out, err = cli("graph", text, *at, "-o", "graph.svg", "--steps", "steps.html")
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop-lab graph: error: column ")
    assert "--at" not in lines[0]  # refused for what it is, not for a missing value
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text, column",
    [
        ("x" * 1_000_000, expression.MAX_LENGTH + 1),  # 1 MB
        ("(" * 100_000 + "x" + ")" * 100_000, expression.MAX_LENGTH + 1),
        ("(" * 41 + "x" + ")" * 41, 41),  # deep brackets, short enough to reach the bracket scan
        (" " + "-" * 1500 + "x", None),  # deep nesting without a single bracket
        ("+".join(["x"] * 900), None),
        ("sin(" * 41 + "x" + ")" * 41, 41 * 4),
    ],
)
def test_huge_or_deep_input_is_refused_before_it_costs_anything(cli, tmp_path, monkeypatch, text, column):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("graph", text, "--at", "x=1", "-o", "graph.svg")
    if column is None and status == 0:
        pytest.fail(f"accepted {text[:40]}...")
    assert status == 2 and out == ""
    (line,) = err.splitlines()
    found = re.match(r"backprop-lab graph: error: column (\d+): ", line)
    assert found and (column is None or int(found.group(1)) == column)
    assert list(tmp_path.iterdir()) == []


def test_an_expression_starting_with_minus_needs_a_space(cli):
    status, _, err = cli("graph", "-x*2", "--at", "x=3")
    assert status == 2 and len(err.splitlines()) == 1
    assert 'needs a space in front: " -x*2"' in err
    status, out, _ = cli("graph", " -x*2", "--at", "x=3")
    assert status == 0 and re.search(r"^y +=  ?-6$", out, re.M)


def test_refusals_say_what_and_where(cli):
    cases = {
        "x.__class__": "column 2: attribute access",
        "x + __import__('os')": "column 5: names starting with _ are not allowed",
        "9**9**9": "column 2: 9 ** 3.8742e+08 is too large for a float",
        "x + (lambda: 1)": "column 6: lambda is not allowed",
        "x + 'a'": "column 5: strings are not allowed",
        "exp(x, y=1)": "column 8: keyword arguments are not allowed",
        "x[0]": "column 1: subscripts ([...]) are not allowed",
        "x // 2": "column 3: the operator // is not allowed",
        "x + foo(x)": "column 5: unknown function foo",
    }
    for text, expected in cases.items():
        status, _, err = cli("graph", text, *(["--at", "x=2"] if "x" in text else []))
        assert status == 2 and f"error: {expected}" in err, (text, err)


def test_a_missing_or_unknown_variable_names_it(cli):
    status, _, err = cli("graph", LECTURE, "--at", "x=2")
    assert status == 2 and "column 5: no value for the variable w1: add --at w1=NUMBER" in err
    status, _, err = cli("graph", "sin(x)")
    assert status == 2 and "column 5: no value for the variable x" in err
    status, _, err = cli("graph", "sin(x)", "--at", "x=1", "z=2")
    assert status == 2 and "--at z: z is not in the expression (its variables: x)" in err


@pytest.mark.parametrize(
    "value, message",
    [
        ("x", "expected NAME=NUMBER"),
        ("x=", "is not a number"),
        ("x=abc", "is not a number"),
        ("x=nan", "is not a number"),
        ("x=inf", "is not a number"),
        ("x=0x10", "is not a number"),
        ("x=1e999", "too large for a float"),
        ("x=__import__('os').system('touch pwned')", "is not a number"),
        ("__class__=1", "expected NAME=NUMBER"),
        ("exp=1", "exp is a function"),
    ],
)
def test_at_values_are_read_as_numbers_never_run(cli, tmp_path, monkeypatch, value, message):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("graph", "x + 1", "--at", value)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_a_value_given_twice_is_refused(cli):
    status, _, err = cli("graph", "x + 1", "--at", "x=1", "x=2")
    assert status == 2 and "--at x: given twice" in err


@pytest.mark.parametrize(
    "text, at, message",
    [
        ("log(x)", "x=-1", "column 1: log: log(a) needs a > 0; got a = -1.0 ('x')"),
        ("x / (x - 1)", "x=1", "column 3: div: a / b needs b ≠ 0"),
        ("exp(x)", "x=1000", "column 1: exp: exp(a) overflows a float"),
        ("sqrt(x)", "x=0", "sqrt: the derivative of sqrt(a) is infinite here"),  # found by backward
    ],
)
def test_engine_domain_errors_exit_2_with_one_line(cli, tmp_path, text, at, message):
    status, out, err = cli("graph", text, "--at", at, "-o", str(tmp_path / "g.svg"))
    assert status == 2 and out == ""
    assert err.splitlines() == [f"backprop-lab graph: error: {message}"] or message in err
    assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_picture_type_that_cannot_be_written_is_refused_first(cli, tmp_path):
    status, out, err = cli("graph", "x", "--at", "x=1", "-o", str(tmp_path / "g.jpg"))
    assert status == 2 and out == "" and "must end in .svg, .png, .pdf" in err
    status, out, err = cli("graph", "x", "--at", "x=1", "--steps", str(tmp_path / "steps.svg"))
    assert status == 2 and out == "" and "must end in .html" in err
    assert list(tmp_path.iterdir()) == []


def test_without_dot_the_command_says_how_to_install_it(cli, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    status, out, err = cli("graph", "x * x", "--at", "x=3", "-o", str(tmp_path / "g.svg"))
    assert status == 1
    assert "dy/dx = 6" in out  # the numbers came out before the picture failed
    (line,) = err.splitlines()
    assert "Install it with:" in line and str(tmp_path / "g.dot") in line
    assert (tmp_path / "g.dot").exists() and not (tmp_path / "g.svg").exists()


def test_help_explains_with_an_example(cli):
    status, out, _ = cli("graph", "--help")
    assert status == 0
    assert 'backprop-lab graph "sin(w1*x + log(x)) + cos(x)" --at x=2 w1=0.5 -o graph.svg' in out
    for name in expression.FUNCTIONS:
        assert name in out


def test_the_installed_console_script_runs_the_command(tmp_path):
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} is missing: pip install -e . creates it"
    graph = tmp_path / "graph.svg"
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "graph", LECTURE, "--at", "x=2", "w1=0.5", "-o", str(graph)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "dy/dx  = -1.031343" in done.stdout and graph.read_bytes().startswith(b"<?xml")
    refused = subprocess.run(
        [str(CONSOLE_SCRIPT), "graph", "__import__('os').system('touch pwned')", "-o", "g.svg"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert refused.returncode == 2
    assert refused.stderr == "backprop-lab graph: error: column 17: attribute access (.name) is not allowed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]
