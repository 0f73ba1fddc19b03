"""viz.cli.output_folder: a folder of results appears complete or not at all, and only ours is replaced."""

from __future__ import annotations

import os

import pytest

from viz.cli import output_folder
from viz.cli.output_folder import MARKER, FolderInUse, building


def test_the_folder_appears_only_when_the_block_ends(tmp_path):
    out = tmp_path / "deep" / "out"
    with building(out, "train", replace=False, hint="") as work:
        (work / "a.txt").write_text("a")
        assert not out.exists() and work.parent == out.parent and work.name.startswith(".out.")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a.txt"]
    assert output_folder.made_by(out) == "train"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_the_folder_gets_the_usual_permissions(tmp_path):
    with building(tmp_path / "out", "train", replace=False, hint=""):
        pass
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~umask


def test_an_error_inside_leaves_nothing_and_keeps_the_old_folder(tmp_path):
    out = tmp_path / "out"
    with building(out, "demo", replace=True, hint=""):
        pass
    (out / "old.txt").write_text("old")
    with pytest.raises(RuntimeError, match="boom"), building(out, "demo", replace=True, hint="") as work:
        (work / "new.txt").write_text("new")
        raise RuntimeError("boom")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_made_by_the_same_command_is_replaced_when_allowed(tmp_path):
    out = tmp_path / "out"
    with building(out, "demo", replace=True, hint="") as work:
        (work / "first.txt").write_text("1")
    with building(out, "demo", replace=True, hint="") as work:
        (work / "second.txt").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "second.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refusals_name_the_folder_and_say_why(tmp_path):
    out = tmp_path / "out"
    with building(out, "train", replace=False, hint=""):
        pass
    with pytest.raises(FolderInUse, match="already exists; use --force"):
        output_folder.check(out, "train", replace=False, hint="use --force")
    with pytest.raises(FolderInUse, match="was not made by backprop-lab demo"):
        output_folder.check(out, "demo", replace=True, hint="")
    empty = tmp_path / "empty"
    empty.mkdir()
    output_folder.check(empty, "demo", replace=False, hint="")  # an empty folder is free
