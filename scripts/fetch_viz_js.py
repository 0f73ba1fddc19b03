"""Fetch the pinned in-browser Graphviz (@viz-js/viz) into viz/graph/ (a set-up step, not run time).

    python scripts/fetch_viz_js.py

Without Graphviz's ``dot`` on the machine, notebooks and HTML pages lay graphs out in the
browser with Graphviz compiled to WebAssembly (``viz.graph.browser``). That build is a
dependency, not our code: ``npm pack`` fetches the pinned version from the npm registry,
its sha512 is checked against the pin, and its one-file global build (the WebAssembly
inside, about 1.3 MB) is written atomically to viz/graph/viz-global.js. Git ignores
the file; the wheel ships it (package data). Nothing is fetched when the file is already
the pinned version. ``make setup`` runs this.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@viz-js/viz"
VERSION = "3.31.0"  # Graphviz 16.1.0 inside
INTEGRITY = "sha512-r7zlQdRvcwvIpjHGgs+KNWHeE/P5/Dq7k8ZAKaMCbZqomxCBJV78gVuQYaHzFVca+kB0mX0fMW9UFevCOBG50A=="
MEMBER = "package/dist/viz-global.js"  # the build that defines window.Viz, for a plain <script>
TARGET = Path(__file__).resolve().parent.parent / "viz" / "graph" / "viz-global.js"


def is_pinned(path: Path) -> bool:
    """Whether ``path`` holds the pinned version (its licence header names it)."""
    try:
        with path.open(encoding="utf-8") as file:
            return f"Viz.js {VERSION}\n" in file.read(200)
    except OSError:
        return False


def fetch(target: Path = TARGET) -> Path:
    if is_pinned(target):
        return target
    if shutil.which("npm") is None:
        sys.exit(f"npm is needed once to fetch {PACKAGE}@{VERSION}: sudo apt-get install npm")
    with tempfile.TemporaryDirectory() as scratch:
        packed = subprocess.run(
            ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
            cwd=scratch,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        tarball = Path(scratch) / packed
        digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if digest != INTEGRITY:
            sys.exit(f"{PACKAGE}@{VERSION} from npm has the sha512 {digest}, expected {INTEGRITY}: not used")
        with tarfile.open(tarball) as archive:
            data = archive.extractfile(MEMBER).read()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed into place: an interrupted fetch leaves no half a script.
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as part:
        part.write(data)
    os.replace(part.name, target)
    os.chmod(target, 0o644)
    return target


if __name__ == "__main__":
    print(f"{PACKAGE}@{VERSION}: {fetch()}")
