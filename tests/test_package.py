"""The package as a user gets it: an sdist and a wheel, installed (not editable) in a fresh venv.

The project is copied aside and built there with `python -m build --no-isolation` (the
build tools come from the project's venv, the `package` extra: nothing is downloaded, and
the working tree gets no build/ or egg-info). The wheel goes into a new virtual
environment; its dependencies (numpy, matplotlib, ...) are borrowed from the project's
venv by a .pth file, after the new venv's own site-packages, so `autograd`, `nn` and
`viz` come from the wheel alone. Then the installed command runs the demo, and the
installed step player is opened in chromium: a data file missing from the wheel (the
player's CSS or JS, ...) fails here, whatever the files are called.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".nox", ".cache", "site", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "demo-out", "runs",
)  # fmt: skip


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "backprop-lab"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)])
    return out


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)
    command = " ".join(map(str, argv))
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def wheel(dist: Path) -> Path:
    (path,) = dist.glob("backprop_lab-*.whl")
    return path


def test_build_makes_an_sdist_and_a_wheel_that_twine_accepts(dist):
    version = importlib.metadata.version("backprop-lab")
    assert sorted(p.name for p in dist.iterdir()) == [
        f"backprop_lab-{version}-py3-none-any.whl",
        f"backprop_lab-{version}.tar.gz",
    ]
    checked = run([sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir())])
    assert checked.stdout.count("PASSED") == 2


def test_the_wheel_holds_every_file_of_the_packages(dist):
    names = set(zipfile.ZipFile(wheel(dist)).namelist())
    source = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert source, "no source files found"
    assert source - names == set()
    metadata = zipfile.ZipFile(wheel(dist)).read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    for python in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Classifier: Programming Language :: Python :: {python}".encode() in metadata
    assert b"Requires-Python: >=3.10" in metadata


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel (not editable); the dependencies seen through a .pth file."""
    folder = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", folder])
    python = folder / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python]
    run([*pip, "install", "--quiet", "--no-deps", "--no-index", wheel(dist)])
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = run([python, "-c", purelib]).stdout.strip()
    (Path(site_packages) / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


def in_venv(venv: Path, *argv, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    return run([venv / "bin" / argv[0], *argv[1:]], cwd=cwd, env=env)


def test_the_installed_packages_come_from_the_wheel(venv, tmp_path):
    files = "import autograd, nn, viz; print(autograd.__file__, nn.__file__, viz.__file__)"
    where = in_venv(venv, "python", "-c", files, cwd=tmp_path).stdout.split()
    assert len(where) == 3
    for path in where:
        assert Path(path).is_relative_to(venv), path


def test_the_installed_command_says_its_version(venv, tmp_path):
    out = in_venv(venv, "backprop-lab", "--version", cwd=tmp_path).stdout
    assert out.strip() == f"backprop-lab {importlib.metadata.version('backprop-lab')}"


def test_the_installed_demo_writes_every_picture_its_page_shows(venv, tmp_path, chromium, requests_out):
    in_venv(venv, "backprop-lab", "demo", "--quick", "--out", "demo", cwd=tmp_path)
    page = tmp_path / "demo" / "index.html"
    chromium.get_log("performance")
    chromium.get(page.as_uri())
    broken = chromium.execute_script(
        "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert chromium.execute_script("return document.images.length") > 0
    assert broken == []
    links = chromium.execute_script("return [...document.links].map(a => a.href)")
    local = [Path(unquote(urlparse(link).path)) for link in links if link.startswith("file:")]
    assert local and [path for path in local if not path.exists()] == []
    assert requests_out(chromium) == []


def test_the_installed_step_player_plays(venv, tmp_path, chromium, requests_out):
    script = (
        "import autograd, viz\n"
        "x = autograd.Value(2.0, label='x')\n"
        "y = autograd.sin(x) * x\n"
        "y.backward()\n"
        "viz.save_steps_html(y, 'steps.html')\n"
        "print(len(viz.backprop_steps(y)))\n"
    )
    steps = int(in_venv(venv, "python", "-c", script, cwd=tmp_path).stdout)
    chromium.get_log("performance")
    chromium.get((tmp_path / "steps.html").as_uri())
    assert chromium.find_element(By.ID, "counter").text == f"Step 1 / {steps}"
    chromium.find_element(By.ID, "next").click()
    assert chromium.execute_script("return document.body.dataset.step") == "1"
    assert chromium.find_element(By.ID, "ledger").text.strip() != ""
    assert requests_out(chromium) == []
