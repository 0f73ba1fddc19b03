"""save_steps_svg replaces and removes only the numbered frames it wrote itself (viz.steps.frame_folder)."""

import hashlib

import pytest

import viz
from viz.steps.frame_folder import MANIFEST


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_second_run_replaces_its_own_frames(lecture, tmp_path):
    y, *_ = lecture()
    first = viz.save_steps_svg(y, tmp_path, forward=True)
    (tmp_path / "001.svg").write_text((tmp_path / "001.svg").read_text())  # same content: still ours
    second = viz.save_steps_svg(y, tmp_path)
    assert len(first) == 13 and len(second) == 7  # 6 forward + seed + 6 backward, then seed + 6
    assert listing(tmp_path) == sorted([p.name for p in second] + [MANIFEST])
    lines = (tmp_path / MANIFEST).read_text().splitlines()
    assert lines == [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in second]


def test_a_users_numbered_svg_is_kept_and_refused_by_name(lecture, tmp_path):
    y, *_ = lecture()
    viz.save_steps_svg(y, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "007.svg").write_text("my own slide")  # the name of our last frame, not written by us
    (tmp_path / "012.svg").write_text("another slide of mine")
    with pytest.raises(ValueError, match=r"did not write \(or that changed since\): 007.svg, 012.svg;"):
        viz.save_steps_svg(y, tmp_path)
    assert (tmp_path / "007.svg").read_text() == "my own slide"
    assert (tmp_path / "012.svg").read_text() == "another slide of mine"
    assert {n: (tmp_path / n).read_bytes() for n in before if n != "007.svg"} == {
        n: b for n, b in before.items() if n != "007.svg"
    }


def test_a_numbered_svg_in_a_folder_never_written_to_is_refused(lecture, tmp_path):
    y, *_ = lecture()
    (tmp_path / "099.svg").write_text("a slide of the user's")
    with pytest.raises(ValueError, match="099.svg"):
        viz.save_steps_svg(y, tmp_path)
    assert listing(tmp_path) == ["099.svg"]


def test_a_changed_frame_is_not_deleted_silently(lecture, tmp_path):
    y, *_ = lecture()
    viz.save_steps_svg(y, tmp_path, forward=True)
    (tmp_path / "010.svg").write_text("edited by hand for the slides")  # a frame the shorter run would delete
    with pytest.raises(ValueError, match="010.svg"):
        viz.save_steps_svg(y, tmp_path)
    assert (tmp_path / "010.svg").read_text() == "edited by hand for the slides"
    assert len([n for n in listing(tmp_path) if n.endswith(".svg")]) == 13


def test_a_changed_manifest_does_not_make_a_users_file_ours(lecture, tmp_path):
    y, *_ = lecture()
    viz.save_steps_svg(y, tmp_path)
    (tmp_path / "003.svg").write_text("mine now")
    (tmp_path / MANIFEST).write_text("not a manifest\n")
    with pytest.raises(ValueError, match="001.svg, 002.svg, 003.svg, 004.svg, 005.svg and 2 more"):
        viz.save_steps_svg(y, tmp_path)
    assert (tmp_path / "003.svg").read_text() == "mine now"
