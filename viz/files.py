"""Writing files so that a failure never leaves a half-written one behind (nn's writer, for viz).

Two rules on top of nn's ``write_atomic``: viz writes only regular files (a path that is
a folder, a device such as /dev/null, a FIFO or a socket is refused, never replaced), and
a file viz writes only as a side product (the DOT source when Graphviz is missing) never
replaces anything: it takes a fresh name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from nn.files import write_atomic

__all__ = ["write_atomic", "check_regular", "write_new", "sha256"]

NEW_NAMES = 100  # graph.dot, graph-2.dot, ... graph-100.dot: then refuse


def check_regular(path: str | os.PathLike, what: str = "path") -> Path:
    """``path`` if it is absent or a regular file (through symlinks); else a ValueError saying what it is.

    Replacing a device, a FIFO or a folder by a file would break the system or lose data.
    """
    path = Path(path)
    if str(path) in ("", "."):
        raise ValueError(f"{what} must name a file, got an empty path")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return path
    except OSError as error:
        raise ValueError(f"{what} {str(path)!r} cannot be written: {error.strerror}") from None
    if stat.S_ISREG(mode):
        return path
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    raise ValueError(f"{what} {str(path)!r} is {kind}; viz writes only regular files: give a file name")


def write_new(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` to ``path``, or to ``stem-2.suffix``, ``stem-3.suffix``, ...: never replaces a file.

    The file is written under a temporary name, then linked to the first free name (a
    hard link fails if the name exists, so two writers never overwrite each other).
    Returns the path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        for n in range(1, NEW_NAMES + 1):
            candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                continue
            return candidate
        raise FileExistsError(
            f"{path} and {NEW_NAMES - 1} numbered variants exist already; nothing was replaced"
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of the file's bytes in hex as ``sha256sum`` prints it: how a manifest tells "unchanged"."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
