"""MkDocs hooks: what the site shows is made from the project at build time, never committed.

- the lecture: the seven notebooks of notebooks/ become pages notebooks/<name>.ipynb
  (mkdocs-jupyter renders and executes them; with BACKPROP_LAB_DOCS_EXECUTE_ONLY=<file
  name> only that one is executed, the others shown as committed: the test of the site
  uses it, since the test suite executes every notebook already with nbmake);
- "Start here": docs/examples/*.py are run in a scratch folder and every file they write
  (graph.svg, steps.html, boundary.png, ...) becomes start/<file> in the site;
- the command line page: the marker <!-- backprop-lab --help --> is replaced by the help
  of ``backprop-lab`` and of each of its sub-commands, as the installed command prints it;
- the comparison page: the marker <!-- benchmarks/README.md --> is replaced by that file,
  its headings one level down (the benchmarks' own description and tables stay in one place);
- MathJax: the files of the pinned jupyter-server-mathjax are copied to assets/mathjax,
  so the notebooks' formulas render with nothing fetched from the network;
- search from file://: Material's offline plugin needs the iframe-worker shim, which it
  would load from a CDN on every page view. The pinned npm package is fetched once with
  ``npm pack`` (a registry, at build time) into .cache/docs-vendor/ and copied into the
  site; mkdocs.yml lists it in extra.polyfills, so the plugin adds no CDN script.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import runpy
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import matplotlib
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXAMPLES = Path(__file__).resolve().parent / "examples"
HELP_MARKER = "<!-- backprop-lab --help -->"
BENCHMARKS_MARKER = "<!-- benchmarks/README.md -->"
IFRAME_WORKER = "iframe-worker@1.0.4"  # the npm package behind Material's offline search
IFRAME_WORKER_SHIM = "assets/javascripts/iframe-worker-shim.js"  # as listed in mkdocs.yml
EXECUTE_ONLY = "BACKPROP_LAB_DOCS_EXECUTE_ONLY"
VENDOR = ROOT / ".cache" / "docs-vendor"
HELP_WIDTH = "88"  # argparse wraps the help to $COLUMNS: the same page on every terminal


def on_config(config):
    only = os.environ.get(EXECUTE_ONLY)
    if only:
        names = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
        if only not in names:
            raise ValueError(f"{EXECUTE_ONLY} must name one of the notebooks {names}, got {only!r}")
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["execute_ignore"] = [*jupyter["execute_ignore"], *(name for name in names if name != only)]
    return config


# Before mkdocs-jupyter's on_files (priority 0), which turns .ipynb files into pages.
@event_priority(100)
def on_files(files, config):
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        # A File read from the project's root, not a generated one: mkdocs-jupyter's
        # NotebookFile finds its source through src_dir.
        page = File(f"notebooks/{notebook.name}", str(ROOT), config.site_dir, config.use_directory_urls)
        files.append(page)
    for name, content in example_outputs().items():
        files.append(File.generated(config, f"start/{name}", content=content))
    return files


def example_outputs() -> dict[str, bytes]:
    """Run every docs/examples/*.py in one scratch folder; the files they wrote, by name."""
    matplotlib.use("Agg")
    with tempfile.TemporaryDirectory() as scratch:
        for script in sorted(EXAMPLES.glob("*.py")):
            with (
                in_folder(scratch),
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                runpy.run_path(str(script), run_name="__main__")
        return {path.name: path.read_bytes() for path in sorted(Path(scratch).iterdir())}


@contextlib.contextmanager
def in_folder(folder):
    """Run the block with the current directory set to folder (the examples write to '.')."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def on_page_markdown(markdown, page, config, files):
    if HELP_MARKER in markdown:
        markdown = markdown.replace(HELP_MARKER, command_line_help())
    if BENCHMARKS_MARKER in markdown:
        benchmarks = (ROOT / "benchmarks" / "README.md").read_text()
        markdown = markdown.replace(BENCHMARKS_MARKER, re.sub(r"^#", "##", benchmarks, flags=re.MULTILINE))
    return markdown


def command_line_help() -> str:
    """backprop-lab --help, then each sub-command's --help, as Markdown sections."""
    top = help_text([])
    commands = re.findall(r"^ {4}(\S+)", top.split("COMMAND", 2)[-1], flags=re.MULTILINE)
    sections = [fenced("backprop-lab --help", top)]
    for command in commands:
        usage = fenced(f"backprop-lab {command} --help", help_text([command]))
        sections.append(f"## backprop-lab {command}\n\n{usage}")
    return "\n\n".join(sections)


def help_text(argv: list[str]) -> str:
    """What `backprop-lab <argv> --help` prints (run in-process through the entry point)."""
    import viz.cli

    out = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_WIDTH
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            viz.cli.main([*argv, "--help"])
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return out.getvalue()


def fenced(command: str, output: str) -> str:
    return f"```console\n$ {command}\n{output.rstrip()}\n```"


def on_post_build(config):
    spec = importlib.util.find_spec("jupyter_server_mathjax")  # found, not imported (it needs a server)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "jupyter-server-mathjax is missing: install the docs extra (pip install -e '.[docs]')"
        )
    static = Path(spec.submodule_search_locations[0]) / "static"
    site = Path(config.site_dir)
    shutil.copytree(static, site / "assets" / "mathjax", dirs_exist_ok=True)
    shutil.copyfile(npm_file(IFRAME_WORKER, "shim/index.js"), site / IFRAME_WORKER_SHIM)


def npm_file(package: str, member: str) -> Path:
    """One file of a pinned npm package, fetched once with `npm pack` into .cache/docs-vendor/."""
    folder = VENDOR / package.replace("/", "_")
    if not folder.exists():
        if shutil.which("npm") is None:
            raise RuntimeError(f"npm is needed once to fetch {package} (sudo apt-get install npm)")
        VENDOR.mkdir(parents=True, exist_ok=True)
        # Unpacked aside and renamed into place: a build stopped half-way leaves no half a package.
        with tempfile.TemporaryDirectory(dir=VENDOR) as scratch:
            packed = subprocess.run(
                ["npm", "pack", "--silent", package], cwd=scratch, check=True, capture_output=True, text=True
            ).stdout.split()[-1]
            with tarfile.open(Path(scratch) / packed) as archive:
                archive.extractall(scratch, filter="data")
            os.replace(Path(scratch) / "package", folder)
    return folder / member
