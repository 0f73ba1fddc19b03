"""Checking backprop against finite differences: the test every gradient must pass."""

from __future__ import annotations

from .backprop import grad
from .context import no_grad
from .value import Value, as_float


class GradcheckError(AssertionError):
    """Backprop and finite differences disagree; the message holds the table."""


def numeric_grad(fn, point: list[float], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x + eps) - f(x - eps)) / 2 eps for each coordinate of point.

    Costs exactly 2 n calls of ``fn`` (forward passes) for n coordinates, where backprop
    needs one forward and one backward pass whatever n: the reason training uses backprop.
    """
    out = []
    with no_grad():
        for i in range(len(point)):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            out.append((_scalar(fn(*up)) - _scalar(fn(*down))) / (2 * eps))
    return out


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare backprop's gradient of ``fn`` at ``inputs`` with central differences.

    ``fn`` takes one argument per input (Values) and returns a Value; ``inputs`` are
    numbers or Values (their data is used). Returns True when every coordinate has
    |analytic - numeric| <= atol + rtol |numeric|; otherwise raises GradcheckError with
    a table of analytic vs numeric gradients.
    """
    point = [x.data if isinstance(x, Value) else as_float(x, "gradcheck input") for x in inputs]
    if not point:
        raise ValueError("gradcheck needs at least one input")
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck needs fn to return a Value, got {type(out).__name__}")
    analytic = grad(out, leaves)
    numeric = numeric_grad(fn, point, eps)
    rows = []
    bad = False
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        ok = abs(a - n) <= atol + rtol * abs(n)
        bad |= not ok
        verdict = "ok" if ok else "MISMATCH"
        rows.append(f"  x{i:<4} {point[i]:>14.6g} {a:>16.8g} {n:>16.8g} {abs(a - n):>12.3g}  {verdict}")
    if bad:
        header = f"  {'input':<5} {'at':>14} {'analytic':>16} {'numeric':>16} {'|diff|':>12}"
        raise GradcheckError("gradient check failed:\n" + "\n".join([header, *rows]))
    return True


def _scalar(y):
    return y.data if isinstance(y, Value) else as_float(y, "fn's result")
