"""Quiz marking: is a typed gradient right? One pure function, for the widget and the static player.

An answer is right when |answer - expected| <= rel_tol * |expected| (rel_tol = 1e-3), and
for a gradient of exactly 0 when |answer| <= 1e-12. The rule is kept this small on purpose:
the static HTML player's quiz (a later phase) must mark the same way in its script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REL_TOL = 1e-3
"""How close a typed gradient must be: a relative error of 0.1 % (4 significant digits)."""


@dataclass(frozen=True)
class Mark:
    """The marking of one answer: right or not, the gradient, and what to tell the student."""

    right: bool
    expected: float
    answer: float | None  # None when the text was not a number
    feedback: str


def read_answer(text) -> float | None:
    """The number typed (``"-1.03"``, ``"2e-3"``), or None when it is not one; never runs it as code."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def mark(answer, expected: float, rule: str = "", rel_tol: float = REL_TOL) -> Mark:
    """Mark ``answer`` (a number or the typed text) against the gradient ``expected``.

    Right when |answer - expected| <= rel_tol * |expected| (for expected 0: |answer| <= 1e-12).
    A wrong answer's feedback names the rule to apply (``rule``: the chain rule of the step).
    """
    value = read_answer(answer)
    if value is None:
        return Mark(
            False, expected, None, f"{answer!r} is not a number: type one, e.g. -0.25 or 1e-3. {rule}".strip()
        )
    right = abs(value - expected) <= rel_tol * abs(expected) if expected != 0.0 else abs(value) <= 1e-12
    if right:
        return Mark(True, expected, value, f"Right: {expected:.6g}")
    return Mark(
        False, expected, value, f"Not {value:.6g}: the gradient is {expected:.6g}. Apply: {rule}".strip()
    )


def summary(marks) -> str:
    """'3 of 4 right' with the steps missed."""
    marks = list(marks)
    right = sum(m.right for m in marks)
    return f"{right} of {len(marks)} right"
