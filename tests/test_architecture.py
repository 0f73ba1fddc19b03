"""The import contract: arrows only point down, autograd <- nn <- viz (import-linter).

The contract lives in pyproject.toml. Besides checking that the project keeps it, the
tests break it on purpose, in a copy of the project, once for every arrow that would
point up, so a contract that checks nothing cannot pass.
"""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_import_contract(lint_imports):
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The arrows only point down: autograd <- nn <- viz KEPT" in result.stdout
    assert " 0 broken." in result.stdout


def test_an_unchanged_copy_of_the_project_keeps_the_contract(tmp_path, lint_imports):
    result = lint_imports(copy_of_the_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("lower, higher", [("autograd", "nn"), ("autograd", "viz"), ("nn", "viz")])
def test_an_import_pointing_up_breaks_the_contract(tmp_path, lower, higher, lint_imports):
    project = copy_of_the_project(tmp_path)
    (project / lower / "_points_up.py").write_text(f"import {higher}\n")
    result = lint_imports(project)
    assert result.returncode == 1
    assert "The arrows only point down: autograd <- nn <- viz BROKEN" in result.stdout
    assert f"{lower} is not allowed to import {higher}:" in result.stdout
    assert f"{lower}._points_up -> {higher} (l.1)" in result.stdout


def test_the_project_keeps_its_no_cycles_contract(lint_imports):
    result = lint_imports(ROOT)
    assert "No import cycles among the modules of a package KEPT" in result.stdout


def test_an_import_cycle_between_two_autograd_modules_breaks_the_contract(tmp_path, lint_imports):
    project = copy_of_the_project(tmp_path)
    backprop = project / "autograd" / "backprop.py"
    # value.py imports backprop for Value.backward; an import back makes the cycle the contract forbids.
    backprop.write_text(backprop.read_text() + "\n\ndef _cycle():\n    from . import value  # noqa\n")
    result = lint_imports(project)
    assert result.returncode == 1
    assert "No import cycles among the modules of a package BROKEN" in result.stdout
    assert "No cycles are allowed in autograd." in result.stdout


@pytest.mark.parametrize(
    "package, module, imports_back",
    [
        # nn.module no longer knows the engines; an import of one makes the old cycle again.
        ("nn", "module.py", "from .engines import tape"),
        # The CLI's subcommands import cli.common; common importing the parser closes a loop.
        ("viz/cli", "common.py", "from . import parser"),
    ],
)
def test_an_import_cycle_in_nn_or_viz_breaks_the_contract(
    tmp_path, package, module, imports_back, lint_imports
):
    project = copy_of_the_project(tmp_path)
    path = project / package / module
    path.write_text(path.read_text() + f"\n\ndef _cycle():\n    {imports_back}  # noqa\n")
    result = lint_imports(project)
    assert result.returncode == 1
    assert "No import cycles among the modules of a package BROKEN" in result.stdout
