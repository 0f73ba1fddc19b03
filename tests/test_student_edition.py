"""The student edition: solutions (nbgrader's metadata) become blanks, the checks stay."""

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SMALL = ROOT / "notebooks" / "01_chain_rule_by_hand.ipynb"  # the fastest notebook with solutions


def _load_generator():
    spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


student_edition = _load_generator()


def _solution_cells(nb):
    return [i for i, cell in enumerate(nb.cells) if student_edition.is_solution(cell)]


def _run(nb):
    resources = {"metadata": {"path": str(ROOT)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()


def test_a_region_between_the_markers_becomes_a_blank_at_its_indentation():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION\n\nassert f() == 42"
    blank = student_edition.blank_source(source, code=True)
    assert blank == 'def f():\n    raise NotImplementedError("your answer here")\n\nassert f() == 42'


def test_a_solution_without_markers_is_blanked_whole():
    assert student_edition.blank_source("x = 1\ny = 2", code=True) == student_edition.CODE_BLANK
    assert student_edition.blank_source("the answer is 2", code=False) == "YOUR ANSWER HERE"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1", "without its"),
        ("x = 1\n### END SOLUTION", "without a"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside a solution"),
    ],
)
def test_unbalanced_markers_are_an_error_naming_the_line(source, message):
    with pytest.raises(ValueError, match=message):
        student_edition.blank_source(source, code=True)


def test_the_command_stops_with_status_2_on_a_folder_without_notebooks(tmp_path, capsys):
    assert student_edition.main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "expected a folder with .ipynb files" in capsys.readouterr().err


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_edition_blanks_every_solution_and_keeps_everything_else(path):
    teacher = nbformat.read(path, as_version=4)
    student = student_edition.student_notebook(teacher)
    assert len(student.cells) == len(teacher.cells)
    solutions = set(_solution_cells(teacher))
    for i, (mine, theirs) in enumerate(zip(student.cells, teacher.cells)):
        if i in solutions:
            assert "SOLUTION" not in mine.source, f"cell {i}: a solution marker is left"
            assert "your answer here" in mine.source.lower(), f"cell {i}: no blank for the student"
            assert mine.source != theirs.source
        elif mine.cell_type == "markdown":
            assert mine.source == student_edition.student_text(theirs.source), (
                f"cell {i}: only the teacher's sentences"
            )
        else:
            assert mine.source == theirs.source, f"cell {i}: only solutions may change"


# What the teacher's edition says about its hidden solutions; none of it may reach a student.
TEACHER_ONLY = re.compile(r"worked\s+solution|click\s+to\s+open|after\s+each\s+solution", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_edition_never_speaks_of_hidden_solutions(path):
    student = student_edition.student_notebook(nbformat.read(path, as_version=4))
    for i, cell in enumerate(student.cells):
        if cell.cell_type == "markdown":
            found = TEACHER_ONLY.search(cell.source)
            assert found is None, f"cell {i} says {found.group(0)!r}: a sentence of the teacher's edition"


def test_the_try_this_sentence_tells_the_student_where_to_answer():
    teacher = nbformat.read(ROOT / "notebooks" / "03_training.ipynb", as_version=4)
    student = student_edition.student_notebook(teacher)
    (intro,) = [cell for cell in student.cells if cell.source.startswith("## Try this")]
    assert "worked solution" not in intro.source and "click to open" not in intro.source
    assert "cells below for your answer" in intro.source and "NotImplementedError" in intro.source
    assert intro.source.endswith(
        next(c for c in teacher.cells if c.source.startswith("## Try this")).source[-200:]
    )


def test_a_teacher_sentence_is_found_across_line_breaks():
    teacher = (
        "## Try this\n\nEach exercise has a worked solution below,\nhidden: try first, then click to open it."
        "  The cell after\neach solution checks the answer.\n\n1. More."
    )
    student = student_edition.student_text(teacher)
    assert student.startswith("## Try this\n\nEach exercise has cells below for your answer")
    assert student.endswith("checks it.\n\n1. More.")


def test_each_blank_names_its_exercise_and_what_its_check_reads():
    teacher = nbformat.read(ROOT / "notebooks" / "03_training.ipynb", as_version=4)
    student = student_edition.student_notebook(teacher)
    blanks = [student.cells[i].source for i in _solution_cells(teacher)]
    assert blanks[0] == "**Answer 1:** YOUR ANSWER HERE"
    assert blanks[1] == '# The check below reads: large\nraise NotImplementedError("your answer here")'
    assert blanks[-1].startswith("# The check below reads: sup_sin\n")


def test_the_names_a_check_reads_are_those_the_solution_binds_and_the_check_does_not():
    solution = "best = {}\nfor k in range(3):\n    best[k] = k * k\ndef helper():\n    return 1\nunused = 2"
    check = "%time x = 1\nfor k, v in best.items():\n    assert v == k * k, helper()\nassert len(best) == 3"
    assert student_edition.names_the_check_reads(solution, check) == ["best", "helper"]
    assert student_edition.names_the_check_reads(solution, "assert (") == []  # not Python: no names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_solution_is_hidden_tagged_and_has_a_unique_id(path):
    nb = nbformat.read(path, as_version=4)
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells if "nbgrader" in cell.metadata]
    assert len(ids) == len(set(ids)), f"grade ids repeat: {ids}"
    for i in _solution_cells(nb):
        cell = nb.cells[i]
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False) or "<details>" in cell.source
        assert hidden, f"cell {i}: a solution must be hidden by default"


def test_the_blank_student_edition_fails_at_the_first_answer_with_a_clear_message():
    teacher = nbformat.read(SMALL, as_version=4)
    student = student_edition.student_notebook(teacher)
    first_code_answer = next(i for i in _solution_cells(teacher) if teacher.cells[i].cell_type == "code")
    with pytest.raises(CellExecutionError) as failure:
        _run(student)
    assert failure.value.ename == "NotImplementedError"
    assert failure.value.evalue == "your answer here"
    ran = [i for i, cell in enumerate(student.cells) if cell.cell_type == "code" and cell.execution_count]
    assert max(ran) == first_code_answer


def test_the_student_edition_with_the_solutions_pasted_back_runs_and_passes_its_checks():
    teacher = nbformat.read(SMALL, as_version=4)
    student = student_edition.student_notebook(teacher)
    for i in _solution_cells(teacher):
        student.cells[i].source = teacher.cells[i].source
    _run(student)
    checks = [cell for cell in student.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert checks, "the notebook should have check cells"
    for cell in checks:
        printed = "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
        assert "checked:" in printed, f"check {cell.metadata['nbgrader']['grade_id']} printed {printed!r}"
