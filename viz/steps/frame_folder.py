"""A folder of numbered SVG frames (001.svg, 002.svg, ...) where a run replaces only frames it wrote itself.

Beside the frames lies a manifest, ``MANIFEST``, in the format of ``sha256sum`` (one
'SHA-256  name' line per frame written, so ``sha256sum -c .backprop-lab-frames`` checks
it). A later run may replace or delete a numbered frame only while the manifest lists
it with that very content: a frame-named file of the user's, or one of ours changed
since, is refused by name before anything is written.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from ..files import check_regular, sha256, write_atomic

MANIFEST = ".backprop-lab-frames"
"""The manifest's name: 'SHA-256  name' per frame written (``sha256sum``'s format)."""
FRAME_NAME = re.compile(r"\d{3,}\.svg")
LISTED = 5  # foreign names quoted in a refusal; the rest are counted


def check(folder: Path) -> dict[str, set[str]]:
    """The manifest of ``folder`` ({frame: its SHA-256s}); a ValueError if a frame there is not ours.

    Every numbered frame in the folder would be replaced or deleted (an older, longer run
    left more), so each must be one the manifest lists with its content.
    """
    check_regular(folder / MANIFEST, "save_steps_svg's manifest")
    ours = read_manifest(folder)
    foreign = (
        [p.name for p in sorted(folder.iterdir()) if FRAME_NAME.fullmatch(p.name) and not _is_ours(p, ours)]
        if folder.is_dir()
        else []
    )
    if foreign:
        more = f" and {len(foreign) - LISTED} more" if len(foreign) > LISTED else ""
        raise ValueError(
            f"save_steps_svg's folder {str(folder)!r} holds numbered frames that save_steps_svg did not "
            f"write (or that changed since): {', '.join(foreign[:LISTED])}{more}; move them out or "
            "choose another folder (nothing was changed)"
        )
    return ours


def write(folder: Path, frames: list[tuple[str, str]]) -> list[Path]:
    """Write the (name, SVG text) frames into ``folder``, delete our older frames, update the manifest.

    Until the last frame is written the manifest lists the old and the new content of
    each name, so a run cut short leaves no frame that a next run would not recognise.
    """
    ours = check(folder)
    data = {name: svg.encode("utf-8") for name, svg in frames}
    new = {name: {hashlib.sha256(content).hexdigest()} for name, content in data.items()}
    _write_manifest(folder, {n: ours.get(n, set()) | new.get(n, set()) for n in ours.keys() | new.keys()})
    paths = [write_atomic(folder / name, content) for name, content in data.items()]
    for name in ours.keys() - new.keys():
        path = folder / name
        if path.exists() and _is_ours(path, ours):
            path.unlink()
    _write_manifest(folder, new)
    return paths


def read_manifest(folder: Path) -> dict[str, set[str]]:
    """{frame name: the SHA-256s listed for it} from ``folder``'s manifest ({} if none or unreadable)."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    ours: dict[str, set[str]] = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if FRAME_NAME.fullmatch(name):  # only a frame's name: a listed path can point nowhere else
            ours.setdefault(name, set()).add(digest)
    return ours


def _is_ours(path: Path, ours: dict[str, set[str]]) -> bool:
    """A regular file (not a link) whose content the manifest lists under its name."""
    return stat.S_ISREG(path.lstat().st_mode) and sha256(path) in ours.get(path.name, set())


def _write_manifest(folder: Path, ours: dict[str, set[str]]) -> None:
    lines = [f"{digest}  {name}" for name in sorted(ours) for digest in sorted(ours[name])]
    write_atomic(folder / MANIFEST, "".join(line + "\n" for line in lines))
