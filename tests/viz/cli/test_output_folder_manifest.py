"""Output folders: only files our manifest lists are ever replaced; the --force swap survives a crash."""

from __future__ import annotations

import hashlib
import os

import pytest

from viz.cli import output_folder
from viz.cli.output_folder import MARKER, PREVIOUS, FolderInUse, building

TINY = ["--points", "40", "--epochs", "2", "--hidden", "3", "--batch-size", "10"]


def made(out, command="demo", **files):
    """A folder built by ``command`` holding ``files`` (name -> text)."""
    with building(out, command, replace=True, hint="") as work:
        for name, text in files.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
    return out


def test_the_manifest_lists_every_file_with_its_sha256(tmp_path):
    out = made(tmp_path / "out", a="alpha", **{"sub/b.txt": "beta"})
    lines = (out / MARKER).read_text().splitlines()
    assert lines[0] == "demo"
    assert sorted(lines[1:]) == sorted(
        [
            f"{hashlib.sha256(b'alpha').hexdigest()}  a",
            f"{hashlib.sha256(b'beta').hexdigest()}  sub/b.txt",
        ]
    )
    assert output_folder.foreign_entries(out) == []


@pytest.mark.parametrize(
    "intrude, listed",
    [
        (lambda out: (out / "notes.txt").write_text("mine"), "notes.txt"),
        (lambda out: (out / "a").write_text("edited by hand"), "a"),  # ours by name, not by content
        (lambda out: (out / "photos").mkdir(), "photos/"),
        (lambda out: (out / "sub" / "extra.txt").write_text("mine"), "sub/extra.txt"),
        (lambda out: os.symlink("/etc/hostname", out / "link"), "link"),
    ],
)
def test_a_replacement_is_refused_listing_what_we_did_not_write(tmp_path, intrude, listed):
    out = made(tmp_path / "out", a="alpha", **{"sub/b.txt": "beta"})
    intrude(out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(FolderInUse, match="did not write") as info:
        output_folder.check(out, "demo", replace=True, hint="")
    assert f": {listed};" in str(info.value) and "nothing was changed" in str(info.value)
    with pytest.raises(FolderInUse), building(out, "demo", replace=True, hint=""):
        pytest.fail("the block must not run")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_many_foreign_files_are_counted_after_the_first_few(tmp_path):
    out = made(tmp_path / "out", a="alpha")
    for k in range(8):
        (out / f"f{k}").write_text("mine")
    with pytest.raises(FolderInUse, match=r"f0, f1, f2, f3, f4 and 3 more"):
        output_folder.check(out, "demo", replace=True, hint="")


def test_a_folder_with_only_our_files_is_replaced_even_if_some_were_deleted(tmp_path):
    out = made(tmp_path / "out", a="alpha", b="beta")
    (out / "b").unlink()
    made(out, c="gamma")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_old_marker_without_a_file_list_protects_every_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("demo\n")  # what earlier versions wrote
    (out / "index.html").write_text("old")
    with pytest.raises(FolderInUse, match="index.html"):
        output_folder.check(out, "demo", replace=True, hint="")


def test_an_empty_folder_of_the_users_is_filled_and_nothing_is_left_aside(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    made(out, a="alpha")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no previous copy, no work folder
    (out / "mine.txt").write_text("added later")  # the folder is ours only for the files we wrote
    with pytest.raises(FolderInUse, match="mine.txt"):
        made(out, b="beta")


def test_a_file_added_while_building_stops_the_replacement(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    refused = pytest.raises(FolderInUse, match="was not made by backprop-lab demo")
    with refused, building(out, "demo", replace=True, hint="") as work:
        (work / "a").write_text("alpha")
        (out / "late.txt").write_text("the user saves a file meanwhile")
    assert [p.name for p in out.iterdir()] == ["late.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def failing_rename(monkeypatch, fail_from: int, fail_until: int | None = None):
    """Make os.rename raise OSError on calls fail_from .. fail_until (1-based; None: every later call)."""
    real = os.rename
    count = [0]

    def rename(src, dst, *args, **kwargs):
        count[0] += 1
        if count[0] >= fail_from and (fail_until is None or count[0] <= fail_until):
            raise OSError(5, "simulated crash between the two renames")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)


def test_a_failure_between_the_two_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = made(tmp_path / "out", a="old run")
    failing_rename(monkeypatch, 2, 2)  # out -> aside works, new -> out fails, putting back works
    with pytest.raises(OSError, match="simulated"), building(out, "demo", replace=True, hint="") as work:
        (work / "a").write_text("new run")
    assert (out / "a").read_text() == "old run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_crash_between_the_two_renames_is_explained_and_recovered_by_the_next_run(tmp_path, monkeypatch):
    out = made(tmp_path / "out", a="old run")
    previous = tmp_path / PREVIOUS.format(name="out")
    failing_rename(monkeypatch, 2)  # every rename after the first fails: the process is as good as dead
    with pytest.raises(FolderInUse) as info, building(out, "demo", replace=True, hint="") as work:
        (work / "a").write_text("new run")
    message = str(info.value)
    assert f"it is in {previous}" in message and f"mv '{previous}' '{out}'" in message
    assert not out.exists() and (previous / "a").read_text() == "old run"
    monkeypatch.undo()
    assert "put back" in output_folder.recover(out)
    assert (out / "a").read_text() == "old run" and not previous.exists()
    assert output_folder.recover(out) is None  # nothing left to do


def test_the_next_run_puts_the_folder_back_before_it_checks(tmp_path, capsys):
    out = made(tmp_path / "out", a="old run")
    previous = tmp_path / PREVIOUS.format(name="out")
    os.rename(out, previous)  # as a crash between the renames leaves it
    with pytest.raises(FolderInUse, match="already exists"):
        output_folder.check(out, "demo", replace=False, hint="")
    assert "put back" in capsys.readouterr().err
    assert (out / "a").read_text() == "old run"


def test_an_old_copy_left_after_the_swap_is_removed_file_by_file(tmp_path):
    out = made(tmp_path / "out", a="new run")
    old = made(tmp_path / PREVIOUS.format(name="out"), a="old run")
    assert "removed" in output_folder.recover(out)
    assert not old.exists() and (out / "a").read_text() == "new run"


def test_an_old_copy_holding_user_files_is_kept_and_named(tmp_path):
    out = made(tmp_path / "out", a="new run")
    old = made(tmp_path / PREVIOUS.format(name="out"), a="old run")
    (old / "mine.txt").write_text("keep")
    with pytest.raises(FolderInUse, match="is in the way"):
        output_folder.check(out, "demo", replace=True, hint="")
    assert (old / "mine.txt").read_text() == "keep"


def test_an_output_under_a_file_or_in_a_read_only_place_is_refused_first(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    with pytest.raises(FolderInUse, match="is a file, not a folder"):
        output_folder.check(tmp_path / "file" / "deeper" / "out", "train", replace=False, hint="")

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_folder.tempfile, "mkdtemp", read_only)
    with pytest.raises(FolderInUse, match="is not writable \\(Permission denied\\)"):
        output_folder.check(tmp_path / "out", "train", replace=False, hint="")
    monkeypatch.undo()
    output_folder.check(tmp_path / "new" / "out", "train", replace=False, hint="")  # a missing parent is fine
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_train_force_refuses_a_run_folder_holding_a_user_file(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("train", *TINY, "--out", str(out))[0] == 0
    (out / "my-notes.txt").write_text("keep me")
    status, stdout, stderr = cli("train", *TINY, "--out", str(out), "--force")
    assert status == 2 and stdout == "" and stderr.count("\n") == 1
    assert "did not write (or that changed since): my-notes.txt;" in stderr
    assert (out / "my-notes.txt").read_text() == "keep me"


def test_train_checks_an_unwritable_out_before_training(cli, tmp_path):
    (tmp_path / "file").write_text("x")
    status, stdout, stderr = cli("train", *TINY, "--out", str(tmp_path / "file" / "run"))
    assert status == 2 and stdout == ""  # nothing trained: "training ..." was never printed
    assert stderr.count("\n") == 1 and "is a file, not a folder" in stderr


def test_demo_again_refuses_when_the_user_added_a_subfolder(cli, tmp_path):
    out = made(tmp_path / "demo-out", "demo", **{"index.html": "old"})
    (out / "my-slides").mkdir()
    (out / "my-slides" / "talk.pdf").write_text("years of work")
    status, stdout, stderr = cli("demo", "--out", str(out), "--quick")
    assert status == 2 and stdout == ""
    assert "did not write (or that changed since): my-slides/;" in stderr
    assert (out / "my-slides" / "talk.pdf").read_text() == "years of work"
