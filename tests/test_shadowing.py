"""Another project's ``autograd`` or ``nn`` first on the path: a clear error, not an obscure one.

HIPS autograd (``pip install autograd``) and others share our package names. A fake
package (or module) in a temporary folder put first on PYTHONPATH plays the impostor.
"""

import os
import subprocess
import sys

import pytest

FIX = "virtual environment of its own: python3 -m venv .venv && .venv/bin/pip install -e ."


def python(code: str, tmp_path, impostor: str | None = None) -> subprocess.CompletedProcess:
    """Run ``python -c code`` in tmp_path, with the file ``impostor`` (a path) made first."""
    if impostor is not None:
        fake = tmp_path / impostor
        fake.parent.mkdir(parents=True, exist_ok=True)
        fake.write_text('"""Another project that is also called this."""\n')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_without_an_impostor_our_packages_import_from_anywhere(tmp_path):
    result = python(
        "import autograd, nn, viz; print(autograd.BACKPROP_LAB, nn.BACKPROP_LAB, viz.BACKPROP_LAB)", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_a_foreign_autograd_makes_importing_our_packages_fail_saying_so(tmp_path, package):
    result = python(f"import {package}", tmp_path, impostor="autograd/__init__.py")
    assert result.returncode == 1
    message = last_line(result)
    assert message.startswith("ImportError: `import autograd` found a different package named 'autograd' at ")
    assert str(tmp_path / "autograd" / "__init__.py") in message
    assert "not backprop-lab's" in message
    assert FIX in message


def test_a_foreign_nn_package_makes_importing_viz_fail_saying_so(tmp_path):
    result = python("import viz", tmp_path, impostor="nn/__init__.py")
    assert result.returncode == 1
    message = last_line(result)
    # An editable install still finds our nn._own_packages, which then sees the foreign nn;
    # a regular install does not, and viz says so itself. Both name nn and the fix.
    assert message.startswith("ImportError: `import nn` ")
    assert "different package named 'nn'" in message or "another project named nn" in message
    assert FIX in message


def test_a_foreign_nn_module_makes_importing_viz_fail_saying_so(tmp_path):
    result = python("import viz", tmp_path, impostor="nn.py")
    assert result.returncode == 1
    assert last_line(result) == (
        "ImportError: `import nn` did not find backprop-lab's nn package (another project named nn is "
        "installed in this environment). Use backprop-lab in a " + FIX
    )
