"""The quiz's marking: a pure function, relative tolerance 1e-3, never running what was typed."""

import pytest

from viz.live.quiz import mark, read_answer, summary


@pytest.mark.parametrize("typed", ["-1.0313", "-1.03134", -1.031343, " -1.0313 ", "−1.0313"])
def test_an_answer_within_a_relative_1e_3_is_right(typed):
    m = mark(typed, -1.031343, "d sin(a)/da = cos(a)")
    assert m.right and m.feedback.startswith("Right")


@pytest.mark.parametrize("typed", ["-1.033", "1.0313", "0", "-1.02"])
def test_an_answer_further_off_is_wrong_and_shows_the_rule(typed):
    m = mark(typed, -1.031343, "d sin(a)/da = cos(a)")
    assert not m.right
    assert "d sin(a)/da = cos(a)" in m.feedback and "-1.03134" in m.feedback


def test_the_tolerance_is_relative_to_the_gradient():
    assert mark("1001", 1000.0).right  # 0.1 % off
    assert not mark("1002", 1000.0).right
    assert mark("0.0010009", 0.001).right
    assert not mark("0.0011", 0.001).right


def test_a_zero_gradient_needs_zero():
    assert mark("0", 0.0).right
    assert not mark("1e-6", 0.0).right


@pytest.mark.parametrize("typed", ["", "abc", "__import__('os')", "1+1", "inf", "nan", "1" * 100, None])
def test_text_that_is_not_a_number_is_wrong_and_never_run(typed):
    m = mark(typed, 2.0, "rule")
    assert not m.right and m.answer is None
    assert "not a number" in m.feedback
    assert read_answer(typed) is None


def test_summary_counts_the_right_answers():
    marks = [mark("1", 1.0), mark("2", 1.0), mark("3", 3.0)]
    assert summary(marks) == "2 of 3 right"
