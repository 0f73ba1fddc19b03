"""Pictures never replace what is not theirs, never hang, never give a constant a gradient."""

from __future__ import annotations

import os

import pytest

import autograd
import viz
import viz.steps.player as player_module
from autograd import Constant, Value
from viz.files import check_regular, write_new
from viz.graph import dot as dot_module
from viz.steps.frames import frames


def chain(n: int) -> Value:
    """tanh applied n times to x: n + 1 nodes."""
    y = Value(0.1, label="x")
    for _ in range(n):
        y = autograd.tanh(y)
    return y


def no_dot(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


# ----- the fallback DOT source never replaces a file -----


def test_without_dot_render_keeps_the_users_dot_file_and_takes_a_fresh_name(lecture, tmp_path, monkeypatch):
    y, *_ = lecture()
    no_dot(monkeypatch, tmp_path)
    (tmp_path / "graph.dot").write_text("the user's own graph")
    (tmp_path / "graph-2.dot").write_text("another of the user's")
    with pytest.raises(viz.GraphvizNotFound, match="graph-3.dot"):
        viz.render(y, tmp_path / "graph.svg")
    assert (tmp_path / "graph.dot").read_text() == "the user's own graph"
    assert (tmp_path / "graph-2.dot").read_text() == "another of the user's"
    assert (tmp_path / "graph-3.dot").read_text().startswith("digraph")


def test_without_dot_the_player_keeps_the_users_dot_file(lecture, tmp_path, monkeypatch):
    y, *_ = lecture()
    no_dot(monkeypatch, tmp_path)
    # Nor the in-browser Graphviz: with it the player needs no dot (tests/viz/graph/test_browser_layout.py).
    monkeypatch.setattr(viz.graph.browser, "available", lambda: False)
    (tmp_path / "steps.dot").write_text("mine")
    with pytest.raises(viz.GraphvizNotFound, match="steps-2.dot"):
        viz.save_steps_html(y, tmp_path / "steps.html")
    assert (tmp_path / "steps.dot").read_text() == "mine"
    assert (tmp_path / "steps-2.dot").read_text().startswith("digraph")
    assert not (tmp_path / "steps.html").exists()


def test_write_new_never_replaces_and_leaves_no_temporary_file(tmp_path):
    assert write_new(tmp_path / "a.dot", "1") == tmp_path / "a.dot"
    assert write_new(tmp_path / "a.dot", "2") == tmp_path / "a-2.dot"
    assert write_new(tmp_path / "a.dot", b"3") == tmp_path / "a-3.dot"
    assert [(tmp_path / n).read_text() for n in ("a.dot", "a-2.dot", "a-3.dot")] == ["1", "2", "3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.dot", "a-3.dot", "a.dot"]


# ----- only regular files are written -----


def odd_target(path, kind):
    """Make ``path`` a FIFO, a symlink to /dev/null, or a folder; return what a refusal calls it."""
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO"
    if kind == "device":
        os.symlink("/dev/null", path)
        return "a device"
    path.mkdir()
    return "a folder"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_render_and_the_player_refuse_what_is_not_a_regular_file(lecture, tmp_path, kind):
    y, *_ = lecture()
    svg, html = tmp_path / "g.svg", tmp_path / "s.html"
    what = odd_target(svg, kind)
    odd_target(html, kind)
    writes = [
        lambda: viz.render(y, svg),
        lambda: viz.save_steps_html(y, html),
        lambda: viz.StepPlayer(y).save(html),
    ]
    for write in writes:
        with pytest.raises(ValueError, match=f"is {what}[ (a-z)]*; viz writes only regular files"):
            write()
    for path in (svg, html):
        assert not path.is_file() and (kind != "device" or os.path.realpath(path) == "/dev/null")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg", "s.html"]


def test_a_regular_file_or_a_new_name_is_fine(tmp_path):
    (tmp_path / "old.svg").write_text("old")
    assert check_regular(tmp_path / "old.svg") == tmp_path / "old.svg"
    assert check_regular(tmp_path / "new.svg") == tmp_path / "new.svg"
    with pytest.raises(ValueError, match="empty path"):
        check_regular("")


def test_save_steps_svg_refuses_a_file_as_its_folder(lecture, tmp_path):
    y, *_ = lecture()
    (tmp_path / "frames").write_text("not a folder")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        viz.save_steps_svg(y, tmp_path / "frames")
    assert (tmp_path / "frames").read_text() == "not a folder"


# ----- bounded before spent -----


@pytest.mark.parametrize("make", [viz.save_steps_html, viz.save_steps_svg, None])
def test_the_player_checks_the_node_limit_before_computing_any_step(tmp_path, monkeypatch, make):
    def no_steps(*args, **kwargs):
        raise AssertionError("steps computed before the size check")

    monkeypatch.setattr(player_module, "backprop_steps", no_steps)
    monkeypatch.setattr(player_module, "frames", no_steps)
    big = chain(400)  # 401 nodes
    with pytest.raises(viz.graph.GraphTooLarge, match="401 nodes, more than max_nodes=400") as info:
        if make is None:
            viz.StepPlayer(big)
        else:
            make(big, tmp_path / ("s.html" if make is viz.save_steps_html else "frames"))
    assert (info.value.nodes, info.value.max_nodes) == (401, 400)
    with pytest.raises(viz.graph.GraphTooLarge, match="11 nodes, more than max_nodes=10"):
        viz.StepPlayer(chain(10), max_nodes=10)
    assert list(tmp_path.iterdir()) == []


def test_the_player_draws_a_graph_at_the_limit(tmp_path):
    assert viz.save_steps_html(chain(9), tmp_path / "s.html", max_nodes=10).exists()


def test_a_layout_over_the_time_limit_is_stopped_with_a_hint(lecture, tmp_path, monkeypatch):
    y, *_ = lecture()
    monkeypatch.setattr(dot_module, "DOT_TIMEOUT", 0.0001)
    with pytest.raises(viz.graph.LayoutTooSlow, match=r"more than 0.0001 s .* draw a smaller expression"):
        viz.render(y, tmp_path / "g.svg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("op", [autograd.Value.__sub__, autograd.Value.__mul__, autograd.Value.__add__])
def test_a_variable_used_80_times_is_laid_out_quickly(tmp_path, op):
    x = Value(1.0001, label="x")
    y = x
    for _ in range(79):
        y = op(y, x)
    y.backward()
    # the large-graph layout, which takes about a second instead of minutes
    assert "nslimit=1" in viz.draw_graph(y).source
    assert viz.render(y, tmp_path / "g.svg").read_bytes().startswith(b"<?xml")


def test_a_small_graph_keeps_the_full_layout(lecture):
    y, *_ = lecture()
    assert "nslimit" not in viz.draw_graph(y).source


# ----- constants carry no gradient in the pictures -----


def three_x():
    x = Value(2.0, label="x")
    y = 3 * x + 1
    y.backward()
    constants = [v for v in viz.graph.node_order(y) if isinstance(v, Constant)]
    return y, x, constants


def test_a_constant_is_drawn_greyed_without_a_gradient(draw):
    y, x, constants = three_x()
    assert [c.data for c in constants] == [3.0, 1.0]
    ids = viz.graph.node_ids(y)
    for options in ({}, {"color_by": "grad"}, {"local_grads": True}):
        svg = draw(y, **options)
        for c in constants:
            assert "grad" not in svg.texts(ids[c]) and "data" in svg.texts(ids[c])
            assert "constant" in svg.classes(ids[c])
        assert svg.number(ids[x], "grad") == 3.0  # everyone else keeps theirs
        assert svg.number(ids[y], "grad") == 1.0
    source = viz.draw_graph(y, local_grads=True).source
    in_edges = [line for line in source.splitlines() if f"{ids[constants[0]]} -> " in line]
    assert in_edges and all("dashed" in e and "label=" not in e for e in in_edges)
    assert "constant (no gradient)" in source


def test_the_players_frames_and_ledger_give_a_constant_no_gradient(tmp_path, read_svg):
    y, x, constants = three_x()
    ids = viz.graph.node_ids(y)
    shown = frames(y)
    for frame in shown:
        assert not {ids[c] for c in constants} & set(frame.grads)
        assert not {ids[c] for c in constants} & set(frame.neighbours)
    ledger = [line.text for frame in shown for line in frame.ledger]
    assert ledger.count("b is a constant: it gets no gradient.") == 1  # 1 in (3*x) + 1
    assert ledger.count("a is a constant: it gets no gradient.") == 1  # 3 in 3 * x
    assert ids[x] in shown[-1].grads and shown[-1].grads[ids[x]] == 3.0
    last = read_svg(viz.save_steps_svg(y, tmp_path)[-1].read_bytes())
    assert "grad" not in last.texts(ids[constants[0]])
    assert "a is a constant: it gets no gradient." in last.texts("ledger")
