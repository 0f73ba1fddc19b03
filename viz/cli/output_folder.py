"""A folder of results written all at once: built under a hidden name, then renamed into place.

An interrupted or failed run leaves nothing half-written: the files go into a fresh
hidden folder next to the destination, and only a complete folder is renamed to its
name. A folder this program made carries a small marker file saying which command made
it, so a later run may replace it (``train --force``, or ``demo`` again) while a folder
of the user's own is never deleted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..files import write_atomic

MARKER = ".backprop-lab"
"""The marker file's name; it holds the name of the command that made the folder."""


class FolderInUse(ValueError):
    """The destination exists and may not be replaced; the message says why and what to do."""


def check(out: Path, command: str, replace: bool, hint: str) -> None:
    """Raise FolderInUse unless ``out`` is free, or may be replaced (``replace`` and made by ``command``).

    An empty folder counts as free. ``hint`` ends the message for a folder the command
    made itself (e.g. "add --force to replace it").
    """
    if not os.path.lexists(out):
        return
    if out.is_symlink() or not out.is_dir():
        raise FolderInUse(f"{out} exists and is not a folder; choose another output folder")
    if not any(out.iterdir()):
        return
    if made_by(out) != command:
        raise FolderInUse(
            f"{out} exists and was not made by backprop-lab {command}; choose another output folder "
            "(nothing was changed)"
        )
    if not replace:
        raise FolderInUse(f"{out} already exists; {hint}")


def made_by(folder: Path) -> str | None:
    """The command whose marker is in ``folder``, or None."""
    try:
        return (folder / MARKER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


@contextmanager
def building(out: str | os.PathLike, command: str, replace: bool, hint: str):
    """Yield a new hidden folder next to ``out``; when the block ends without error, it becomes ``out``.

    ``out`` is checked before (so a refusal comes before any work) and again at the end.
    An old ``out`` is replaced only as ``check`` allows. On any error, or Ctrl-C, the
    hidden folder is deleted and ``out`` is left as it was.
    """
    out = Path(out)
    check(out, command, replace, hint)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        yield work
        write_atomic(work / MARKER, command + "\n")
        os.chmod(work, 0o777 & ~_umask())  # mkdtemp makes the folder private; results are ordinary files
        _publish(work, out, command, replace, hint)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _publish(work: Path, out: Path, command: str, replace: bool, hint: str) -> None:
    check(out, command, replace, hint)
    if not os.path.lexists(out):
        os.rename(work, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.rename(out, old / "previous")
    try:
        os.rename(work, out)
    except BaseException:
        os.rename(old / "previous", out)  # put the old folder back before reporting the failure
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
