"""Write the student edition of the notebooks: every solution region becomes a blank.

A solution is marked as nbgrader marks it: the cell's metadata holds
``"nbgrader": {"solution": true, ...}`` and its source holds the answer between the lines
``### BEGIN SOLUTION`` and ``### END SOLUTION``. In the student edition that region becomes
``raise NotImplementedError("your answer here")`` in a code cell (a prose answer becomes
"YOUR ANSWER HERE"), as nbgrader's ``generate_assignment`` does; a solution cell without
markers is blanked whole. Everything else, the checks included, is copied unchanged, so a
student's answer is marked by the same asserts as the teacher's solution, with three changes
so that the student edition reads right:

- a sentence of ``TEACHER_SENTENCES`` (the teacher's edition's "worked solution below, hidden:
  click to open it") becomes its student version (where to write the answer);
- a prose blank keeps its answer's label (``**Answer 2:** YOUR ANSWER HERE``, from the
  teacher's ``<summary>Answer 2 (click to open)</summary>``), so each blank names its exercise;
- a code blank starts with the names its check reads that the solution defined
  (``# The check below reads: large``): the check is the student's specification.

    python scripts/student_edition.py notebooks student    # what `make student` runs

Only the standard library and nbformat: no nbgrader needed to build or to run it.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_BLANK = 'raise NotImplementedError("your answer here")'
PROSE_BLANK = "YOUR ANSWER HERE"

# The teacher's edition's sentences about its hidden solutions, and what the student edition says
# instead. Matched across line breaks (the notebooks wrap their text at different places).
TEACHER_SENTENCES = {
    (
        "Each exercise has a worked solution below, hidden: try first, then click to open it. "
        "The cell after each solution checks the answer."
    ): (
        "Each exercise has cells below for your answer: a text cell (YOUR ANSWER HERE) for what you found "
        "and a code cell (`raise NotImplementedError`) for your code, which names what its check reads. "
        "Replace them with your answer; the cell after them, where there is one, checks it."
    ),
    (
        'The "Try this" exercises at the end each have a worked solution, hidden (click to open it), '
        "and a check."
    ): 'The "Try this" exercises at the end each have cells for your answer and, most of them, a check.',
}
_SUMMARY = re.compile(r"<summary>\s*(.*?)\s*(?:\(click to open\))?\s*</summary>", re.DOTALL)


def _across_lines(sentence: str) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))


_TEACHER_PATTERNS = [(_across_lines(teacher), student) for teacher, student in TEACHER_SENTENCES.items()]


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


def student_text(source: str) -> str:
    """A markdown cell's text with every sentence of TEACHER_SENTENCES in its student version."""
    for pattern, student in _TEACHER_PATTERNS:
        source = pattern.sub(student, source)
    return source


def answer_label(source: str) -> str | None:
    """The label of a prose answer, "Answer 2" from ``<summary>Answer 2 (click to open)</summary>``."""
    match = _SUMMARY.search(source)
    return match.group(1) if match else None


def _names(source: str, context: type) -> list[str]:
    """The names a cell binds (context ast.Store) or reads (ast.Load), in order, IPython's magics skipped."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, context):
            name = node.id
        elif context is ast.Store and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            name = node.name
        else:
            continue
        if name not in found:
            found.append(name)
    return found


def names_the_check_reads(solution: str, check: str) -> list[str]:
    """The names that `check` reads without binding them itself and that `solution` binds."""
    bound_by_check = set(_names(check, ast.Store))
    bound_by_solution = set(_names(solution, ast.Store))
    return [
        name for name in _names(check, ast.Load) if name in bound_by_solution and name not in bound_by_check
    ]


def _check_after(cells, index: int):
    """The check cell (nbgrader's "grade") that follows solution `index`, before the next code solution."""
    for cell in cells[index + 1 :]:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("grade"):
            return cell
        if nbgrader.get("solution") and cell.cell_type == "code":
            return None
    return None


def student_notebook(nb):
    """A copy of `nb` with every solution blanked and every output cleared."""
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if not is_solution(cell):
            if cell.cell_type == "markdown":
                cell.source = student_text(cell.source)
            continue
        code = cell.cell_type == "code"
        try:
            blank = blank_source(cell.source, code)
        except ValueError as error:
            grade_id = cell.metadata["nbgrader"].get("grade_id", "?")
            raise ValueError(f"cell {index} ({grade_id}): {error}") from None
        check = _check_after(nb.cells, index) if code else None
        reads = names_the_check_reads(cell.source, check.source) if check is not None else []
        label = None if code else answer_label(cell.source)
        if reads:
            blank = f"# The check below reads: {', '.join(reads)}\n{blank}"
        elif label:
            blank = f"**{label}:** {blank}"
        cell.source = blank
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
