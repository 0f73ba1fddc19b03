"""Writing files so that a failure never leaves a half-written one behind: the project's one writer.

nn saves models and histories with it; viz writes every picture and page with it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: str | os.PathLike, content: bytes | str | Callable, durable: bool = False) -> Path:
    """Write ``content`` to ``path`` in one step: a temporary file in the same folder, then a rename.

    ``content`` is bytes, a str (written as UTF-8), or a function that writes text into
    the open file (``lambda f: json.dump(document, f)``; the file is UTF-8 and does not
    translate newlines, as the csv module wants). ``os.replace`` renames it over
    ``path`` in one step, so readers and a crashed program see the old file or the new
    one, never a partial one; on any error (Ctrl-C too) the temporary file is removed.
    ``durable=True`` also forces the data onto the disk (fsync) before the rename, so
    that holds after a power cut too: worth its ~10 ms for a trained model, not for each
    of a hundred pictures. Creates missing folders; a new file gets the usual
    permissions (0o666 less the umask), a replaced one keeps its own.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if callable(content):
            f = os.fdopen(fd, "w", encoding="utf-8", newline="")
            write = content
        else:
            f = os.fdopen(fd, "wb")
            data = content.encode("utf-8") if isinstance(content, str) else content
            write = lambda f: f.write(data)
        with f:
            write(f)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))  # mkstemp makes the file private; ours are ordinary files
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _mode_for(path: Path) -> int:
    """The file's current permissions, or the usual ones for a new file (0o666 less the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
