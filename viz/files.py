"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` in one step: a temporary file in the same folder, then a rename.

    Creates missing folders. The rename is atomic, so readers see the old file or the
    new one, never a partial one; on any error the temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _mode_for(path))  # mkstemp makes the file private; a picture should not be
        os.replace(tmp, path)
    except BaseException:
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
