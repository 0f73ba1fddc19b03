"""Hard points of the shared table (each row's ``precise`` cases in ``op_cases.py``).

Far out, a rule written the naive way loses every digit: ELU's derivative as out + alpha
is exactly 0 at a = -40 (the truth is e^-40), and logsumexp's softmax as exp(a - out)
counts 1 + e^39 - e^39 as 0 in a second derivative. The values, first and second
derivatives there are compared with closed forms written by hand that do not cancel, to
1e-13 relative (no absolute slack, which would let a 0 pass for 1e-17), on every path:
floats, Values (create_graph) and the batch tape.
"""

import numpy as np
import pytest
from op_cases import ROWS

import autograd as ag
from autograd import Value

RTOL = 1e-13

CASES = [
    pytest.param(row.name, case, id=f"{row.name}-{k}")
    for row in ROWS.values()
    for k, case in enumerate(row.precise)
]
PRECISE = [
    pytest.param(row.name, case, a, id=f"{row.name}-{k}-{a:g}")
    for row in ROWS.values()
    for k, case in enumerate(row.precise)
    for a in case.points
]


def test_the_precise_cases_cover_elu_and_logsumexp():
    assert {name for name, *_ in (p.values for p in PRECISE)} >= {"elu", "logsumexp"}


@pytest.mark.parametrize("name, case, a", PRECISE)
def test_value_and_derivative_at_hard_points_on_the_float_path(name, case, a):
    x = Value(a, label="x")
    y = case.build(x)
    y.backward()
    assert y.data == pytest.approx(case.value(a), rel=RTOL, abs=0.0)
    assert x.grad == pytest.approx(case.derivative(a), rel=RTOL, abs=0.0)
    assert ag.reference_backward(y)[x] == x.grad


@pytest.mark.parametrize("name, case, a", PRECISE)
def test_first_and_second_derivatives_at_hard_points_with_create_graph(name, case, a):
    x = Value(a, label="x")
    first = ag.grad(case.build(x), x, create_graph=True)
    second = ag.grad(first, x) if isinstance(first, Value) else 0.0  # a plain number: its derivative is 0
    assert float(first) == pytest.approx(case.derivative(a), rel=RTOL, abs=0.0)
    assert second == pytest.approx(case.second(a), rel=RTOL, abs=0.0)


@pytest.mark.parametrize("name, case", CASES)
def test_value_and_derivative_at_hard_points_on_the_tape(name, case):
    tape = ag.trace(case.build, n_inputs=1, examples=[[case.points[0]]])
    X = np.array(case.points)[:, None]
    out = tape.forward(X)
    tape.backward()
    values = [case.value(a) for a in case.points]
    derivatives = [case.derivative(a) for a in case.points]
    np.testing.assert_allclose(np.ravel(out), values, rtol=RTOL, atol=0.0)
    np.testing.assert_allclose(tape.input_grads[:, 0], derivatives, rtol=RTOL, atol=0.0)
