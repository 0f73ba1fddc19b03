"""A folder of results written all at once: built under a hidden name, then renamed into place.

An interrupted or failed run leaves nothing half-written: the files go into a fresh
hidden folder next to the destination, and only a complete folder is renamed to its
name. A folder this program made carries a manifest (``MARKER``): the command that made
it, then one line per file it wrote, with the file's SHA-256 (in the format of ``sha256sum``).
A later run may replace such a folder (``train --force``, or ``demo`` again) only while
every file in it is one the manifest lists, unchanged: a file or subfolder of the user's
is never deleted, and its presence is refused with its name. An empty folder is free
(nothing in it can be lost); it is removed with ``rmdir``, which cannot delete anything.

Replacing takes two renames (the old folder aside under a fixed name, ``PREVIOUS``, then
the new one into place). If the program dies between them, the next run finds the old
folder under that name and puts it back before anything else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..files import sha256, write_atomic

MARKER = ".backprop-lab"
"""The manifest's name: the command on the first line, then 'SHA-256  name' per file written."""
PREVIOUS = ".{name}.backprop-lab-previous"
"""Where the old folder waits while the new one is renamed into place (``str.format(name=...)``)."""
LISTED = 5  # foreign names quoted in a refusal; the rest are counted


class FolderInUse(ValueError):
    """The destination exists and may not be replaced; the message says why and what to do."""


def check(out: Path, command: str, replace: bool, hint: str) -> None:
    """Raise FolderInUse unless ``out`` is free, or may be replaced (``replace`` and only our files in it).

    Also refuses, before any work, a destination that cannot be written (under a file,
    read-only). A folder left aside by an interrupted replacement is put back first.
    ``hint`` ends the message for a folder the command made itself (e.g. "add --force").
    """
    out = Path(out)
    _check_writable(out)
    recovered = recover(out)
    if recovered:
        print(f"backprop-lab {command}: {recovered}", file=sys.stderr)
    previous = out.parent / PREVIOUS.format(name=out.name)
    if os.path.lexists(previous):
        raise FolderInUse(
            f"{previous} is in the way (an earlier replacement of {out} kept it because it holds files "
            "backprop-lab did not write); move it elsewhere first (nothing was changed)"
        )
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
    foreign = foreign_entries(out)
    if foreign:
        more = f" and {len(foreign) - LISTED} more" if len(foreign) > LISTED else ""
        shown = ", ".join(foreign[:LISTED]) + more
        raise FolderInUse(
            f"{out} holds files that backprop-lab {command} did not write (or that changed since): {shown}; "
            "move them out or choose another output folder (nothing was changed)"
        )
    if not replace:
        raise FolderInUse(f"{out} already exists; {hint}")


def made_by(folder: Path) -> str | None:
    """The command named on the first line of ``folder``'s manifest, or None."""
    manifest = _read_manifest(folder)
    return manifest[0] if manifest else None


def foreign_entries(folder: Path) -> list[str]:
    """The names in ``folder`` (relative, sorted) that its manifest does not list with their content.

    A file the manifest lists but whose SHA-256 differs is foreign too (the user changed it);
    so is every symlink, and every subfolder that holds nothing of ours.
    """
    manifest = _read_manifest(folder)
    ours = manifest[1] if manifest else {}
    foreign = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name == MARKER:
            continue
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            if not any(listed.startswith(name + "/") for listed in ours):
                foreign.append(name + "/")
        elif not stat.S_ISREG(mode) or ours.get(name) != sha256(path):
            foreign.append(name)
    # A foreign folder is reported once, not with everything inside it.
    return [n for n in foreign if not any(n != f and f.endswith("/") and n.startswith(f) for f in foreign)]


def recover(out: Path) -> str | None:
    """Put back a folder left aside by an interrupted replacement; say what was done (None: nothing to do).

    ``out`` missing and ``PREVIOUS`` present: the program died between the two renames,
    so the old folder is renamed back. Both present: it died after the swap, before
    deleting the old copy; its files (ours, by its manifest) are deleted now.
    """
    out = Path(out)
    previous = out.parent / PREVIOUS.format(name=out.name)
    if not previous.is_dir() or previous.is_symlink() or made_by(previous) is None:
        return None
    if not os.path.lexists(out):
        os.rename(previous, out)
        return f"put back {out} from {previous}, left aside by an interrupted replacement"
    if _remove_ours(previous):
        return f"removed {previous}, the old copy left by an interrupted replacement of {out}"
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
        _write_manifest(work, command)
        os.chmod(work, 0o777 & ~_umask())  # mkdtemp makes the folder private; results are ordinary files
        _publish(work, out, command, replace, hint)
    finally:
        if work.exists():
            _remove_tree_of_our_own(work)


def _publish(work: Path, out: Path, command: str, replace: bool, hint: str) -> None:
    check(out, command, replace, hint)
    if not os.path.lexists(out):
        os.rename(work, out)
        return
    if not any(out.iterdir()):
        os.rmdir(out)  # an empty folder (maybe the user's): rmdir can delete nothing else
        os.rename(work, out)
        return
    previous = out.parent / PREVIOUS.format(name=out.name)
    os.rename(out, previous)
    try:
        os.rename(work, out)
    except BaseException as error:
        try:
            os.rename(previous, out)  # put the old folder back before reporting the failure
        except OSError:
            raise FolderInUse(
                f"replacing {out} failed ({error}) and the earlier folder could not be put back: it is in "
                f"{previous}; the next run puts it back, or rename it yourself: mv '{previous}' '{out}'"
            ) from error
        raise
    if not _remove_ours(previous):
        print(
            f"backprop-lab {command}: kept {previous}: files appeared in it that backprop-lab did not write",
            file=sys.stderr,
        )


def _check_writable(out: Path) -> None:
    """Refuse an ``out`` that could never be written, before any work: under a file, or read-only."""
    parent = out.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise FolderInUse(f"{out} cannot be made: {parent} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".backprop-lab-probe.", dir=parent))
    except OSError as error:
        raise FolderInUse(f"{out} cannot be made: {parent} is not writable ({error.strerror})") from None


def _write_manifest(work: Path, command: str) -> None:
    lines = [command]
    for path in sorted(work.rglob("*")):
        if path.is_file() and path.name != MARKER:
            lines.append(f"{sha256(path)}  {path.relative_to(work).as_posix()}")
    write_atomic(work / MARKER, "\n".join(lines) + "\n")


def _read_manifest(folder: Path) -> tuple[str, dict[str, str]] | None:
    """(command, {name: sha256}) from ``folder``'s manifest, or None if it has none."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    command, *rest = text.splitlines() or [""]
    files = {}
    for line in rest:
        digest, _, name = line.partition("  ")
        if name:
            files[name] = digest
    return command.strip(), files


def _remove_ours(folder: Path) -> bool:
    """Delete the files ``folder``'s manifest lists (unchanged), then the folder if that emptied it.

    Returns whether the folder is gone. Nothing unlisted is ever deleted.
    """
    manifest = _read_manifest(folder)
    if manifest is None:
        return False
    for name, digest in manifest[1].items():
        path = folder / name
        if path.is_file() and not path.is_symlink() and sha256(path) == digest:
            path.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):  # not empty: something unlisted is in it, and stays
                path.rmdir()
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def _remove_tree_of_our_own(work: Path) -> None:
    """Delete the hidden work folder: everything in it was made by this run (it was new and private)."""
    shutil.rmtree(work, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
