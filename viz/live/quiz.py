"""The quiz's marking, shared with the static player: see ``viz.steps.quiz`` (one rule for both)."""

from ..steps.quiz import REL_TOL, Mark, is_right, mark, read_answer, summary

__all__ = ["REL_TOL", "Mark", "is_right", "mark", "read_answer", "summary"]
