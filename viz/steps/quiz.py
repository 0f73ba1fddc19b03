"""Quiz marking: is a typed gradient right? One rule, for the notebook widget and the static player.

An answer is right when |answer - expected| <= rel_tol * |expected| (rel_tol = 1e-3), and
for a gradient of exactly 0 when |answer| <= 1e-12. What counts as a number is one
pattern, ``NUMBER``. The static HTML player's script (player.js) marks with the same
rule: the page carries these constants and the pattern, and a browser test pins the two
to the same cases.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

REL_TOL = 1e-3
"""How close a typed gradient must be: a relative error of 0.1 % (4 significant digits)."""
ZERO_TOL = 1e-12
"""A gradient of exactly 0 needs an answer this close to 0 (no relative error exists there)."""
MAX_LENGTH = 64
"""Longer text is not read at all."""
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
"""A decimal number as students type it (-1.03, .5, 2e-3); the same pattern in Python and JavaScript."""
_NUMBER = re.compile(NUMBER)


@dataclass(frozen=True)
class Mark:
    """The marking of one answer: right or not, the gradient, and what to tell the student."""

    right: bool
    expected: float
    answer: float | None  # None when the text was not a number
    feedback: str


def read_answer(text) -> float | None:
    """The number typed (``"-1.03"``, ``"2e-3"``, ``"−1.03"``), or None when it is not one; never runs it."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    text = text.strip().replace("\u2212", "-")  # the minus sign a word processor types
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def is_right(value: float, expected: float, rel_tol: float = REL_TOL) -> bool:
    """|value - expected| <= rel_tol * |expected|; for expected 0, |value| <= ZERO_TOL."""
    if expected == 0.0:
        return abs(value) <= ZERO_TOL
    return abs(value - expected) <= rel_tol * abs(expected)


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
    if is_right(value, expected, rel_tol):
        return Mark(True, expected, value, f"Right: {expected:.6g}")
    return Mark(
        False, expected, value, f"Not {value:.6g}: the gradient is {expected:.6g}. Apply: {rule}".strip()
    )


def summary(marks) -> str:
    """'3 of 4 right'."""
    marks = list(marks)
    right = sum(m.right for m in marks)
    return f"{right} of {len(marks)} right"
