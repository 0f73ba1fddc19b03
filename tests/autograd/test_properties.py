"""Property tests: random expression graphs built from the whole op table.

A program is a list of steps; each step applies one op to operands picked from the pool
of inputs and earlier results (recent ones more often, so graphs get deep and reuse
nodes). The output is the sum of every result, so every node counts. Operands are put
into each op's domain by construction (log of a*a + 0.5, never of a: each row's
``anywhere`` in the shared table ``op_cases.py``), so any input works.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from op_cases import ROWS

import autograd as ag
from autograd import TABLE, Value

BOUND = 10.0  # results beyond it are discarded, so nothing overflows and the numbers stay well-conditioned

# Central differences agree with the exact gradient to about eps^2 (truncation) plus
# 1e-16 |f| / eps (rounding): far inside gradcheck's default tolerances.
ATOL, RTOL = 1e-5, 1e-3


@st.composite
def steps(draw):
    name = draw(st.sampled_from(sorted(ROWS)))
    arity = ROWS[name].arity or draw(st.integers(1, 4))
    picks = tuple(draw(st.integers(0, 7)) for _ in range(arity))
    setting = draw(st.sampled_from(ROWS[name].settings))
    return name, picks, setting


programs = st.lists(steps(), min_size=1, max_size=8)
points = st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=3)


def run(program, inputs, screen=False):
    """The program's output on ``inputs`` (Values). With ``screen``, discard the example
    (hypothesis ``assume``) if a kinked op meets an operand within 1e-3 of its kink or a
    result leaves [-BOUND, BOUND]."""
    pool = list(inputs)
    results = []
    for name, picks, setting in program:
        operands = [pool[-1 - i % len(pool)] for i in picks]
        if screen and ROWS[name].kinked:
            assume(abs(operands[0].data) > 1e-3)
        out = ROWS[name].anywhere(setting, *operands)
        if screen:
            assume(abs(out.data) <= BOUND)
        pool.append(out)
        results.append(out)
    return ag.sum(results)


def screened(program, point):
    """Leaves at ``point`` and the program's output on them, if the example is kept."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    return leaves, run(program, leaves, screen=True)


def close(analytic, numeric, atol=ATOL, rtol=RTOL):
    return all(abs(a - n) <= atol + rtol * abs(n) for a, n in zip(analytic, numeric))


def float_grad(program, point):
    leaves = [Value(x) for x in point]
    return ag.grad(run(program, leaves), leaves)


EXAMPLES = settings(derandomize=True, database=None, deadline=None, max_examples=150)


def test_the_random_programs_use_every_op_of_the_table():
    assert set(ROWS) == set(TABLE)


@EXAMPLES
@given(programs, points)
def test_backward_agrees_with_central_differences_on_random_graphs(program, point):
    leaves, out = screened(program, point)
    out.backward()
    numeric = ag.numeric_grad(lambda *xs: run(program, xs), point)
    assert close([x.grad for x in leaves], numeric)


@EXAMPLES
@given(programs, points)
def test_gradcheck_passes_on_random_graphs(program, point):
    screened(program, point)
    assert ag.gradcheck(lambda *xs: run(program, xs), point)


@EXAMPLES
@given(programs, points)
def test_grad_equals_backward_and_touches_no_grad_on_random_graphs(program, point):
    leaves, out = screened(program, point)
    nodes = ag.topological_order(out)
    before = [n.grad for n in nodes]
    by_grad = ag.grad(out, leaves)
    assert [n.grad for n in nodes] == before
    out.backward()
    assert by_grad == [x.grad for x in leaves]


@EXAMPLES
@given(programs, points)
def test_create_graph_gives_the_same_first_derivatives_on_random_graphs(program, point):
    leaves, out = screened(program, point)
    as_values = ag.grad(out, leaves, create_graph=True)
    as_floats = ag.grad(out, leaves)
    assert [float(g) for g in as_values] == pytest.approx(as_floats, rel=1e-12, abs=1e-12)


@settings(derandomize=True, database=None, deadline=None, max_examples=60)
@given(programs, points)
def test_second_derivatives_agree_with_differences_of_the_gradient_on_random_graphs(program, point):
    leaves, out = screened(program, point)
    first = ag.grad(out, leaves, create_graph=True)[0]  # d out / d x0, as a graph
    # d/dxj (d out/dx0); a float first derivative is a constant, so its derivatives are 0.
    analytic = ag.grad(first, leaves) if isinstance(first, Value) else [0.0] * len(leaves)
    eps = 1e-5
    numeric = []
    for j in range(len(point)):
        up, down = list(point), list(point)
        up[j] += eps
        down[j] -= eps
        numeric.append((float_grad(program, up)[0] - float_grad(program, down)[0]) / (2 * eps))
    assert close(analytic, numeric, atol=1e-4)


def test_a_graph_with_every_op_of_the_table_passes_gradcheck():
    program = [(name, (0, 1, 2)[: row.arity or 3], row.settings[-1]) for name, row in ROWS.items()]
    point = [0.3, -0.8, 1.1]
    out = run(program, [Value(x) for x in point])
    assert {n.op for n in ag.topological_order(out)} >= set(TABLE)
    assert math.isfinite(out.data)
    assert ag.gradcheck(lambda *xs: run(program, xs), point)


@EXAMPLES
@given(programs, points)
def test_the_reference_backward_pass_and_the_fast_path_give_the_same_gradients_on_random_graphs(
    program, point
):
    leaves, out = screened(program, point)
    edges = []
    reference = ag.reference_backward(out, on_step=lambda *step: edges.append(step))
    out.backward()
    order = ag.topological_order(out)
    assert set(reference) == set(order)
    assert all(reference[v] == v.grad for v in order)  # the same products, added in the same order
    assert len(edges) == sum(len(v.parents) for v in order)
