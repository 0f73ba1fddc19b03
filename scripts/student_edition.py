"""Write the student edition of the notebooks: every solution region becomes a blank.

A solution is marked as nbgrader marks it: the cell's metadata holds
``"nbgrader": {"solution": true, ...}`` and its source holds the answer between the lines
``### BEGIN SOLUTION`` and ``### END SOLUTION``. In the student edition that region becomes
``raise NotImplementedError("your answer here")`` in a code cell (a prose answer becomes
"YOUR ANSWER HERE"), as nbgrader's ``generate_assignment`` does; a solution cell without
markers is blanked whole. Everything else, the checks included, is copied unchanged, so a
student's answer is marked by the same asserts as the teacher's solution.

    python scripts/student_edition.py notebooks student    # what `make student` runs

Only the standard library and nbformat: no nbgrader needed to build or to run it.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_BLANK = 'raise NotImplementedError("your answer here")'
PROSE_BLANK = "YOUR ANSWER HERE"


def is_solution(cell) -> bool:
    """True for a cell tagged as an answer in nbgrader's metadata."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def blank_source(source: str, code: bool) -> str:
    """The source with each BEGIN/END SOLUTION region replaced by a blank, kept at its indentation."""
    blank = CODE_BLANK if code else PROSE_BLANK
    lines = source.splitlines()
    if not any(line.strip() in (BEGIN, END) for line in lines):
        return blank
    out: list[str] = []
    inside = False
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN!r} inside a solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + blank)
        elif marker == END:
            if not inside:
                raise ValueError(f"line {number}: {END!r} without a {BEGIN!r} before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without its {END!r}")
    return "\n".join(out)


def student_notebook(nb):
    """A copy of `nb` with every solution blanked and every output cleared."""
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if is_solution(cell):
            try:
                cell.source = blank_source(cell.source, cell.cell_type == "code")
            except ValueError as error:
                grade_id = cell.metadata["nbgrader"].get("grade_id", "?")
                raise ValueError(f"cell {index} ({grade_id}): {error}") from None
            # The answer is the student's to write: show the blank, do not hide it.
            jupyter = cell.metadata.get("jupyter", {})
            jupyter.pop("source_hidden", None)
            if not jupyter:
                cell.metadata.pop("jupyter", None)
    return student


def write_atomically(nb, path: Path) -> None:
    """Write `nb` to `path` through a temporary file, so a reader never sees half a notebook."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            nbformat.write(nb, stream)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder of the teacher's notebooks (with solutions)")
    parser.add_argument("target", type=Path, help="folder for the student edition (created)")
    args = parser.parse_args(argv)
    notebooks = sorted(args.source.glob("*.ipynb"))
    if not notebooks:
        print(f"error: source: expected a folder with .ipynb files, got {args.source}", file=sys.stderr)
        return 2
    args.target.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        try:
            student = student_notebook(nbformat.read(path, as_version=4))
        except ValueError as error:
            print(f"error: {path}: {error}", file=sys.stderr)
            return 2
        write_atomically(student, args.target / path.name)
        print(f"wrote {args.target / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
