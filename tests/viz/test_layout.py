"""viz's layout: live widgets on top, then cli, network, steps and plots side by side, graph at the bottom.

The layers contract lives in pyproject.toml (import-linter). Besides checking that viz
keeps it, the tests break it on purpose in a copy of the project, so a contract that
checks nothing cannot pass. The packaging tests check that an installed viz has every
subpackage and the step player's CSS and JavaScript.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "Inside viz, widgets on top: live <- cli <- network <- steps, plots <- graph"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_viz_keeps_its_layers(lint_imports):
    result = lint_imports(ROOT)
    assert f"{CONTRACT} KEPT" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("graph", "viz.steps"),  # the drawing knows nothing of the player
        ("steps", "viz.cli"),  # only the command line knows its commands
        ("plots", "viz.steps"),  # plots and steps are independent of each other
        ("cli", "viz.live"),  # the command line needs no widgets
    ],
)
def test_an_import_pointing_up_inside_viz_breaks_the_contract(tmp_path, lower, higher, lint_imports):
    for package in ("autograd", "nn", "viz"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "viz" / lower / "_points_up.py").write_text(f"import {higher}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert f"{CONTRACT} BROKEN" in result.stdout
    assert f"viz.{lower}._points_up -> {higher} (l.1)" in result.stdout


@pytest.mark.parametrize("top", ["autograd", "nn", "viz"])
def test_every_package_is_installed(top):
    folders = [p.parent for p in (ROOT / top).rglob("__init__.py")]
    packages = {str(folder.relative_to(ROOT)).replace("/", ".") for folder in folders}
    assert packages <= set(pyproject()["tool"]["setuptools"]["packages"])


def test_every_data_file_of_viz_is_installed():
    data = pyproject()["tool"]["setuptools"]["package-data"]
    files = [p for p in (ROOT / "viz").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.name for p in files} >= {"player.css", "player.js", "highlight.css"}
    for path in files:
        package = str(path.parent.relative_to(ROOT)).replace("/", ".")
        assert any(fnmatch.fnmatch(path.name, pattern) for pattern in data.get(package, [])), path


def test_the_player_page_carries_its_styles_and_script_inline():
    from viz.steps import page

    html = page.page("t", "y = x", "<svg></svg>", [], 1000)
    for name in ("player.css", "highlight.css", "player.js"):
        text = (ROOT / "viz" / "steps" / name).read_text(encoding="utf-8")
        assert text in html, name
    assert "<link" not in html and ' src="' not in html  # nothing fetched: the page works offline


def test_the_svg_frames_ledger_uses_the_colours_of_the_css():
    from viz.steps import page

    assert page.HIGHLIGHT in page.SVG_CSS and page.NEIGHBOUR in page.SVG_CSS
    assert page.HIGHLIGHT in page.PAGE_CSS and page.NEIGHBOUR in page.PAGE_CSS
