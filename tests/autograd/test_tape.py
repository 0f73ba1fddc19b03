"""The batch tape: one example's graph replayed over a batch, with the scalar engine's results."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from op_cases import ROWS

import autograd
import autograd.tape.kernels as kernels_module
import autograd.tape.runner as tape_module
from autograd import Constant, DomainError, Parameter, TraceError, Value, trace
from autograd.mathspaces import ARRAYS
from autograd.tape.schedule import STATIC

# ---------------------------------------------------------------- random graphs


def _apply(name, rng, a, b):
    """Apply op ``name`` (its row of op_cases) so that it stays inside its domain for any finite a, b.

    A steep op (exp, pow) gets its operands through tanh first: a batch graph of 30 nodes
    would otherwise overflow somewhere.
    """
    row = ROWS[name]
    if row.steep:
        a, b = autograd.tanh(a), autograd.tanh(b)
    operands = {1: [a], 2: [a, b]}.get(row.arity) or [a, b, a * 0.5][: rng.randint(1, 3)]
    return row.anywhere(rng.choice(row.settings), *operands)


def random_function(seed: int, params, n_nodes: int = 30, n_outputs: int = 2):
    """fn(*inputs) building a random graph from every op of the table (the same graph every call)."""
    names = sorted(autograd.TABLE)

    def fn(*inputs):
        rng = random.Random(seed)
        pool = [(x, True) for x in inputs] + [(p, False) for p in params]
        for _ in range(n_nodes):
            (a, da), (b, db) = rng.choice(pool), rng.choice(pool)
            if rng.random() < 0.15:
                value, depends = rng.uniform(-2, 2) * a, da  # a Constant operand
            elif rng.random() < 0.15:
                terms = [rng.choice(pool) for _ in range(rng.randint(2, 6))]
                value, depends = autograd.sum([t for t, _ in terms]), any(d for _, d in terms)
            else:
                name = rng.choice(names)
                value, depends = _apply(name, rng, a, b), da or (db and ROWS[name].arity == 2)
            if rng.random() < 0.3:
                value = autograd.tanh(value)  # keeps values in a range where nothing overflows
            pool.append((value, depends))
        uses_inputs = [v for v, d in pool[len(inputs) + len(params) :] if d]
        return uses_inputs[-n_outputs:] if n_outputs > 1 else uses_inputs[-1]

    return fn


def scalar_reference(fn, params, X, seed):
    """Outputs and gradients from one scalar backward pass per example and output."""
    outputs, param_grads, input_grads = [], np.zeros(len(params)), np.zeros_like(X)
    for r, row in enumerate(X):
        xs = [Value(float(v)) for v in row]
        result = fn(*xs)
        result = [result] if isinstance(result, Value) else result
        outputs.append([v.data for v in result])
        for k, out in enumerate(result):
            grads = np.array(autograd.grad(out, list(params) + xs))
            param_grads += seed[r, k] * grads[: len(params)]
            input_grads[r] += seed[r, k] * grads[len(params) :]
    return np.array(outputs), param_grads, input_grads


def assert_close(actual, expected):
    """Equal to 1e-10 relative; near-zero entries (cancellation) to 1e-12 of the largest."""
    expected = np.asarray(expected)
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12 * scale)


def ops_in(tape):
    return {group.op.name for group in tape.groups}


# ---------------------------------------------------------------- same results as the scalar engine


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_give_the_scalar_engines_outputs_and_gradients(seed):
    rng = np.random.default_rng(seed)
    params = [Parameter(rng.uniform(-1, 1), f"p{i}") for i in range(4)]
    fn = random_function(seed, params, n_outputs=1 + seed % 3)
    tape = trace(fn, n_inputs=3)
    X = rng.uniform(-2, 2, (6, 3))
    out = tape.forward(X)
    seed_rows = rng.uniform(-1, 1, out.shape)
    grads = tape.backward(seed_rows, accumulate=False)

    ref_out, ref_params, ref_inputs = scalar_reference(fn, params, X, seed_rows.reshape(len(X), -1))
    assert_close(out.reshape(len(X), -1), ref_out)
    assert_close([grads.get(p, 0.0) for p in params], ref_params)
    assert_close(tape.input_grads, ref_inputs)


def test_the_random_graphs_use_every_op_of_the_table():
    used = set()
    for seed in range(40):
        params = [Parameter(0.5), Parameter(-0.3)]
        used |= ops_in(trace(random_function(seed, params), n_inputs=3))
    assert used == set(autograd.TABLE)


def test_the_sums_reducer_is_the_tables_sum():
    rng = np.random.default_rng(0)
    terms = [rng.normal(size=(3, 4)) for _ in range(5)]
    folded = autograd.TABLE["sum"].reducer.reduce(np.stack(terms), axis=0)
    np.testing.assert_array_equal(folded, autograd.TABLE["sum"].forward(ARRAYS, *terms))


# ---------------------------------------------------------------- n-ary ops other than sum


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_logsumexp_is_one_graph_for_every_row_and_its_gradient_is_the_softmax():
    # The largest input differs between the example rows: the shift happens inside ONE node.
    tape = trace(lambda *z: autograd.logsumexp(z), n_inputs=3, examples=[[5.0, 0.0, -5.0], [-5.0, 0.0, 5.0]])
    assert [(g.op.name, g.plan.size) for g in tape.groups] == [("logsumexp", 1)]
    Z = np.array([[1.0, 2.0, 3.0], [-700.0, 0.0, 700.0], [0.5, 0.5, 0.5], [1000.0, 999.0, -3.0]])
    out = tape.forward(Z)
    tape.backward()
    top = Z.max(axis=1)
    np.testing.assert_allclose(out, top + np.log(np.exp(Z - top[:, None]).sum(axis=1)), rtol=1e-15)
    # d lse/d zi = softmax(z)i, as exp(zi - out): zi - out near 1000 keeps ~13 digits
    np.testing.assert_allclose(tape.input_grads, softmax(Z), rtol=1e-12)
    np.testing.assert_allclose(tape.input_grads.sum(axis=1), 1.0, rtol=1e-12)


def test_logsumexp_reads_static_operands_in_their_place():
    w, b = Parameter(0.7, "w"), Parameter(-0.4, "b")

    def fn(x0, x1):  # parameters before, between and after the inputs; 2 and 4 operands in one group
        return [autograd.logsumexp([w, x0, b * x1, b]), autograd.logsumexp([x1 * w, w])]

    X = np.random.default_rng(2).normal(size=(5, 2))
    tape = trace(fn, n_inputs=2)
    lse = [g for g in tape.groups if g.op.name == "logsumexp"]
    assert len(lse) == 1 and sorted(lse[0].plan.counts) == [2, 4]
    out = tape.forward(X)
    seed_rows = np.random.default_rng(3).uniform(-1, 1, out.shape)
    grads = tape.backward(seed_rows, accumulate=False)

    ref_out, ref_params, ref_inputs = scalar_reference(fn, [w, b], X, seed_rows)
    assert_close(out, ref_out)
    assert_close([grads[w], grads[b]], ref_params)
    assert_close(tape.input_grads, ref_inputs)
    # By hand: d/dw = seed0 softmax(z)_w + seed1 softmax([x1, w])_w, with z = (w, x0, b x1, b).
    z = np.column_stack([np.full(5, 0.7), X[:, 0], -0.4 * X[:, 1], np.full(5, -0.4)])
    pair = np.column_stack([0.7 * X[:, 1], np.full(5, 0.7)])
    second = softmax(pair)  # d/dw of lse(x1 w, w) = softmax0 x1 + softmax1
    by_hand = seed_rows[:, 0] @ softmax(z)[:, 0] + seed_rows[:, 1] @ (second[:, 0] * X[:, 1] + second[:, 1])
    assert grads[w] == pytest.approx(by_hand, rel=1e-12)


def test_logsumexp_gradients_match_finite_differences():
    w = [Parameter(0.3), Parameter(-1.2)]
    tape = trace(lambda x: autograd.logsumexp([w[0] * x, w[1], x * x]), n_inputs=1)
    X = np.linspace(-2, 2, 7)[:, None]
    tape.forward(X)
    grads = tape.backward(accumulate=False)
    eps = 1e-6
    with autograd.no_grad():
        for p in w:
            p.data += eps
            up = tape.forward(X).sum()
            p.data -= 2 * eps
            down = tape.forward(X).sum()
            p.data += eps
            assert grads[p] == pytest.approx((up - down) / (2 * eps), rel=1e-7)


def _norm_local(m, out, *a):
    return tuple(ai / out for ai in a)


# An n-ary op the table does not have, written as a table entry is: the tape needs nothing else.
NORM = autograd.Op(
    "norm", "‖·‖",
    lambda m, *a: m.sqrt(sum(ai * ai for ai in a)),
    _norm_local,
    "sqrt(a1² + ... + an²)", ("ai/out",), arity=None,
)  # fmt: skip
LOG_PRODUCT = autograd.Op(
    "log_product", "logΠ",
    lambda m, *a: sum(m.log(ai) for ai in a),
    lambda m, out, *a: tuple(1.0 / ai for ai in a),
    "log(a1 ... an)", ("1/ai",), arity=None,
    valid=lambda *a: np.logical_and.reduce([ai > 0 for ai in a]), domain="log(a1 ... an) needs every ai > 0",
)  # fmt: skip


def test_any_n_ary_table_entry_is_batched_from_its_own_rules():
    w = Parameter(1.5, "w")

    def fn(x0, x1):
        return [autograd.apply(NORM, x0, w * x1, 2.0), autograd.apply(NORM, x1), autograd.apply(NORM, w, x0)]

    X = np.random.default_rng(4).normal(size=(6, 2))
    tape = trace(fn, n_inputs=2)
    out = tape.forward(X)
    grads = tape.backward(accumulate=False)
    ref_out, ref_params, ref_inputs = scalar_reference(fn, [w], X, np.ones((6, 3)))
    assert_close(out, ref_out)
    np.testing.assert_allclose(out[:, 1], np.abs(X[:, 1]), rtol=1e-15)
    assert_close([grads[w]], ref_params)
    assert_close(tape.input_grads, ref_inputs)


def test_an_n_ary_ops_domain_and_infinite_derivative_are_named_as_in_the_scalar_engine():
    tape = trace(lambda x0, x1: autograd.apply(LOG_PRODUCT, x0, x1, 3.0), n_inputs=2, examples=[[1.0, 2.0]])
    with pytest.raises(
        DomainError,
        match=r"log_product: log\(a1 \.\.\. an\) needs every ai > 0; got a1 = 2.0 \('x\[0\]'\), "
        r"a2 = -1.0 \('x\[1\]'\), a3 = 3.0 at row 1 of X",
    ):
        tape.forward([[1.0, 1.0], [2.0, -1.0]])

    norm = trace(lambda x0, x1: [x0, autograd.apply(NORM, x0, x1)], n_inputs=2, examples=[[1.0, 2.0]])
    norm.forward([[3.0, 4.0], [0.0, 0.0]])
    with pytest.raises(DomainError, match=r"norm: the derivative of .* is infinite here; got a = 0.0.*row 1"):
        norm.backward(seed=[[0.0, 1.0], [0.0, 1.0]])
    norm.backward(seed=[[0.0, 1.0], [1.0, 0.0]])  # no gradient flows into the norm at 0: harmless
    np.testing.assert_allclose(norm.input_grads, [[0.6, 0.8], [1.0, 0.0]])


# ---------------------------------------------------------------- hand-built neurons and layers


def neuron(x, w, b):
    return autograd.tanh(autograd.sum([wi * xi for wi, xi in zip(w, x)] + [b]))


def test_a_neurons_gradients_are_the_hand_derived_ones():
    w = [Parameter(0.3, "w0"), Parameter(-0.7, "w1")]
    b = Parameter(0.1, "b")
    X = np.array([[1.0, 2.0], [-0.5, 0.25], [0.0, -1.5]])
    tape = trace(lambda x0, x1: neuron([x0, x1], w, b), n_inputs=2)

    out = tape.forward(X)
    grads = tape.backward(accumulate=False)

    s = X @ [0.3, -0.7] + 0.1
    np.testing.assert_allclose(out, np.tanh(s), rtol=1e-14)
    dtanh = 1 - np.tanh(s) ** 2  # d tanh(s)/ds; s = w . x + b
    np.testing.assert_allclose([grads[w[0]], grads[w[1]]], dtanh @ X, rtol=1e-12)
    np.testing.assert_allclose(grads[b], dtanh.sum(), rtol=1e-12)
    np.testing.assert_allclose(tape.input_grads, np.outer(dtanh, [0.3, -0.7]), rtol=1e-12)


def test_a_layers_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    W = [[Parameter(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    B = [Parameter(rng.uniform(-1, 1)) for _ in range(4)]
    v = [Parameter(rng.uniform(-1, 1)) for _ in range(4)]

    def net(*x):
        hidden = [autograd.relu(autograd.sum([wi * xi for wi, xi in zip(w, x)] + [b])) for w, b in zip(W, B)]
        return autograd.sigmoid(autograd.sum([vi * hi for vi, hi in zip(v, hidden)]))

    X = rng.normal(size=(8, 3))
    tape = trace(net, n_inputs=3)
    tape.forward(X)
    grads = tape.backward(accumulate=False)

    eps = 1e-6
    with autograd.no_grad():
        for p in [W[0][0], W[2][1], B[3], v[1]]:
            p.data += eps
            up = tape.forward(X).sum()
            p.data -= 2 * eps
            down = tape.forward(X).sum()
            p.data += eps
            assert grads[p] == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-9)


def test_an_mlp_with_softmax_cross_entropy_matches_the_scalar_engine():
    rng = random.Random(5)
    sizes = [2, 5, 4, 3]
    layers = [
        [
            ([Parameter(rng.uniform(-1, 1)) for _ in range(n_in)], Parameter(rng.uniform(-0.5, 0.5)))
            for _ in range(n_out)
        ]
        for n_in, n_out in zip(sizes, sizes[1:])
    ]
    params = [p for layer in layers for w, b in layer for p in [*w, b]]

    def loss(x0, x1, *one_hot):  # the target class as a one-hot row: no indexing by data
        h = [x0, x1]
        for k, layer in enumerate(layers):
            h = [autograd.sum([wi * hi for wi, hi in zip(w, h)] + [b]) for w, b in layer]
            if k < len(layers) - 1:
                h = [autograd.tanh(v) for v in h]
        log_total = autograd.log(autograd.sum([autograd.exp(v) for v in h]))
        return autograd.sum([t * (log_total - v) for t, v in zip(one_hot, h)])

    data = np.random.default_rng(5)
    X = np.column_stack([data.normal(size=(12, 2)), np.eye(3)[data.integers(0, 3, 12)]])
    tape = trace(loss, n_inputs=5, examples=X[:3])
    out = tape.forward(X)
    grads = tape.backward(reduce="mean", accumulate=False)

    ref_out, ref_params, ref_inputs = scalar_reference(loss, params, X, np.full((12, 1), 1 / 12))
    assert_close(out, ref_out[:, 0])
    assert_close([grads[p] for p in params], ref_params)
    assert_close(tape.input_grads, ref_inputs)


def weighted_sums_reference(fn, params, n_inputs, seed, rows=9):
    """(tape, X, outputs, gradients) of fn on the tape, checked against the scalar engine."""
    tape = trace(fn, n_inputs=n_inputs)
    X = np.random.default_rng(seed).normal(size=(rows, n_inputs))
    out = tape.forward(X).reshape(rows, -1)
    seed_rows = np.random.default_rng(seed + 1).uniform(-1, 1, out.shape)
    grads = tape.backward(seed_rows.reshape(tape.forward(X).shape), accumulate=False)
    ref_out, ref_params, ref_inputs = scalar_reference(fn, params, X, seed_rows)
    assert_close(out, ref_out)
    assert_close([grads.get(p, 0.0) for p in params], ref_params)
    assert_close(tape.input_grads, ref_inputs)
    return tape


def weighted(tape):
    return [g for g in tape.groups if g.plan.fused]


def test_a_dense_layers_sums_take_in_their_products_as_one_matrix_product():
    rng = random.Random(7)
    W = [[Parameter(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    b = [Parameter(rng.uniform(-1, 1)) for _ in range(4)]

    def layer(*x):
        return [autograd.sum([bi, *[wi * xi for wi, xi in zip(w, x)]]) for w, bi in zip(W, b)]

    tape = weighted_sums_reference(layer, [p for row in W for p in row] + b, 3, seed=1)
    assert [g.op.name for g in tape.groups] == ["sum"]  # no product has a row of its own
    (group,) = weighted(tape)
    assert group.classes[0].shared and "weighted: its products w * x as matrix products" in tape.describe()


def test_weighted_sums_over_different_inputs_shared_weights_constants_and_counts():
    w = [Parameter(v, f"w{i}") for i, v in enumerate([0.3, -1.2, 0.8, 2.0])]

    def fn(x0, x1, x2):
        return [
            autograd.sum([w[0] * x0, w[1] * x1]),  # 2 products
            autograd.sum([x2 * w[0], w[3], w[0] * x1]),  # weight w0 twice, a bias, x * w written backwards
            autograd.sum([w[2] * x0, w[1] * x0, 0.5 * x2]),  # input x0 twice, a constant weight
        ]

    tape = weighted_sums_reference(fn, w, 3, seed=2)
    (group,) = weighted(tape)
    # Two sums of 2 products over different inputs: gathered; one sum of 3: a matrix of one row.
    assert {k.c: k.shared for k in group.classes} == {2: False, 3: True}


def test_products_used_elsewhere_are_not_taken_in():
    w = Parameter(1.5)

    def fn(x0, x1):
        p = w * x0
        return [autograd.sum([p, w * x1]), autograd.tanh(p)]  # p has two users

    tape = weighted_sums_reference(fn, [w], 2, seed=3)
    assert not weighted(tape) and "mul" in ops_in(tape)


def test_large_weighted_sums_are_cut_into_blocks_with_the_same_results(monkeypatch):
    monkeypatch.setattr(kernels_module, "BLAS_CELLS", 50)  # blocks of a few examples
    rng = random.Random(9)
    W = [[Parameter(rng.uniform(-1, 1)) for _ in range(5)] for _ in range(6)]

    def layer(*x):
        return [autograd.tanh(autograd.sum([wi * xi for wi, xi in zip(w, x)])) for w in W]

    weighted_sums_reference(layer, [p for row in W for p in row], 5, seed=4, rows=23)


def test_input_gradients_are_per_row():
    w = Parameter(1.5, "w")
    tape = trace(lambda x: w * x * x, n_inputs=1)  # d/dx = 2 w x
    X = np.array([[1.0], [-2.0], [0.5]])
    tape.forward(X)
    tape.backward()
    np.testing.assert_allclose(tape.input_grads, 2 * 1.5 * X)


def test_a_layer_of_100_neurons_is_one_group_of_sums_and_groups_grow_with_depth():
    def layers(width, depth):
        weights = [[Parameter(0.1 * (i % 7 - 3)) for _ in range(2)] for i in range(width)]

        def fn(x0, x1):
            h = [x0, x1]
            for _ in range(depth):  # neuron j reads inputs j and j + 1 of the layer below
                n = len(h)
                h = [
                    autograd.relu(autograd.sum([w[0] * h[j % n], w[1] * h[(j + 1) % n]]))
                    for j, w in enumerate(weights)
                ]
            return autograd.sum(h)

        return trace(fn, n_inputs=2)

    narrow, wide, deep = layers(10, 2), layers(100, 2), layers(100, 4)
    assert narrow.n_groups == wide.n_groups
    assert deep.n_groups > wide.n_groups
    assert deep.n_levels == 2 * wide.n_levels - 1
    sums = [g for g in wide.groups if g.op.name == "sum" and g.plan.size == 100]
    assert len(sums) == 2  # one group per layer, 100 neurons each
    assert "sum x 100" in wide.describe()


def test_sums_of_one_operand_and_products_by_one_are_left_out_and_change_nothing():
    w = Parameter(0.5, "w")

    def fn(x):  # a batch loss for a batch of one: sum([term]) * (1 / 1)
        return autograd.sum([autograd.tanh(w * x)]) * 1.0 + 1.0 * autograd.sum([x])

    tape = trace(fn, n_inputs=1)
    assert [g.op.name for g in tape.groups] == ["mul", "tanh", "add"]
    X = np.array([[0.3], [-2.0]])
    out = tape.forward(X)
    grads = tape.backward(accumulate=False)
    ref_out, ref_params, ref_inputs = scalar_reference(fn, [w], X, np.ones((2, 1)))
    assert_close(out, ref_out[:, 0])
    assert_close([grads[w]], ref_params)
    assert_close(tape.input_grads, ref_inputs)
    assert trace(lambda x: [autograd.sum([x]), x * 1.0], n_inputs=1).n_groups == 0


def test_a_computation_repeated_is_recorded_once_with_the_scalar_engines_gradients():
    w = Parameter(0.5, "w")

    def fn(x):  # a loss written per class repeats its regulariser: w * w twice, 2.0 twice
        return (w * x + w * w * 2.0) * (w * x + w * w * 2.0)

    tape = trace(fn, n_inputs=1)
    assert [(g.op.name, g.plan.size) for g in tape.groups] == [
        ("mul", 1),
        ("mul", 1),
        ("mul", 1),
        ("add", 1),
        ("mul", 1),
    ]
    program = autograd.tape.record.record(fn, [0.3])
    assert sum(n.kind == "constant" for n in program.nodes) == 1  # the 2.0, once
    X = np.array([[0.3], [-2.0], [1.5]])
    out, grads = tape.forward(X), tape.backward(accumulate=False)
    ref_out, ref_params, ref_inputs = scalar_reference(fn, [w], X, np.ones((3, 1)))
    assert_close(out, ref_out[:, 0])
    x = X[:, 0]  # d/dw (wx + 2w²)² = 2 (wx + 2w²)(x + 4w), summed over the rows
    assert_close([grads[w]], [np.sum(2 * (0.5 * x + 0.5) * (x + 2.0))])
    assert_close([grads[w]], ref_params)
    assert_close(tape.input_grads, ref_inputs)


def test_constants_are_the_same_only_with_the_same_bits():
    program = autograd.tape.record.record(lambda x: x * 0.0 + x * -0.0 + x * 0.0, [1.0])
    constants = [n.leaf for n in program.nodes if n.kind == "constant"]
    assert [math.copysign(1.0, c) for c in constants] == [1.0, -1.0]  # 0.0 once, -0.0 apart
    assert sum(n.kind == "op" and n.op.name == "mul" for n in program.nodes) == 2


def test_a_per_class_loss_runs_its_regulariser_once():
    import nn  # the tape's main user: a per-class loss adds the same L2 term in every class's branch

    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    X, y = nn.data.moons(20, noise=0.1, seed=1)
    loss_tape = nn.engines.tape.prepare(model, lambda o, t: nn.hinge(o, t) + nn.l2(params, 1e-3), X, y)
    static = [(g.op.name, g.plan.size) for g in loss_tape.tape.groups if g.space == STATIC]
    assert static == [("mul", len(params)), ("sum", 1), ("mul", 1)]  # w * w once per parameter, not per class


def test_a_deep_chain_is_traced_and_run_without_recursion():
    def chain(x):
        for _ in range(3000):
            x = autograd.sin(x)
        return x

    tape = trace(chain, n_inputs=1)
    assert tape.n_levels == 3000
    out = tape.forward([[1.0]])
    tape.backward()
    x = Value(1.0)
    y = chain(x)
    y.backward()
    assert out[0] == pytest.approx(y.data, rel=1e-12)
    assert tape.input_grads[0, 0] == pytest.approx(x.grad, rel=1e-10)


# ---------------------------------------------------------------- outputs, seeds and reductions


def test_a_list_of_outputs_gives_one_column_each_and_seeds_weight_them():
    w = Parameter(2.0, "w")
    tape = trace(lambda x: [w * x, x * x, w * w * x], n_inputs=1)
    assert tape.n_outputs == 3
    X = np.array([[1.0], [3.0]])
    out = tape.forward(X)
    np.testing.assert_allclose(out, [[2.0, 1.0, 4.0], [6.0, 9.0, 12.0]])
    grads = tape.backward(seed=np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.5]]), accumulate=False)
    assert grads[w] == pytest.approx(1.0 + 0.5 * 2 * 2.0 * 3.0)  # d(w x)/dw at x = 1, 0.5 d(w² x)/dw at 3
    np.testing.assert_allclose(tape.input_grads, [[2.0], [2 * 3.0 + 0.5 * 4.0]])


def test_one_output_in_a_list_keeps_its_column():
    tape = trace(lambda x: [2 * x], n_inputs=1)
    assert tape.forward(np.ones((4, 1))).shape == (4, 1)
    assert trace(lambda x: 2 * x, n_inputs=1).forward(np.ones((4, 1))).shape == (4,)


def test_an_output_listed_twice_gets_both_seeds():
    w = Parameter(3.0)
    tape = trace(lambda x: (lambda y: [y, y])(w * x), n_inputs=1)
    tape.forward(np.array([[2.0]]))
    assert tape.backward(accumulate=False)[w] == pytest.approx(4.0)


def test_mean_divides_every_gradient_by_the_batch_size():
    w = Parameter(0.5)
    tape = trace(lambda x: autograd.sin(w * x), n_inputs=1)
    X = np.linspace(-1, 1, 5)[:, None]
    tape.forward(X)
    summed = tape.backward(reduce="sum", accumulate=False)[w]
    summed_inputs = tape.input_grads
    assert tape.backward(reduce="mean", accumulate=False)[w] == pytest.approx(summed / 5, rel=1e-14)
    np.testing.assert_allclose(tape.input_grads, summed_inputs / 5, rtol=1e-14)


def test_a_traced_loss_with_mean_gives_the_gradient_of_the_mean_loss_plus_the_regulariser():
    w, b = Parameter(0.8, "w"), Parameter(-0.2, "b")

    def loss(x, y):
        return autograd.relu(1 - y * (w * x + b)) + 0.01 * (w * w + b * b)

    X = np.array([[0.5, 1.0], [-1.0, -1.0], [2.0, -1.0]])
    tape = trace(loss, n_inputs=2)
    tape.forward(X)
    tape.backward(reduce="mean")

    total = autograd.sum([loss(Value(x), Value(y)) for x, y in X]) * (1 / 3)
    by_tape = (w.grad, b.grad)
    w.grad = b.grad = 0.0
    total.backward()
    assert by_tape == pytest.approx((w.grad, b.grad), rel=1e-12)


def test_backward_adds_into_grad_like_the_scalar_engine_or_only_returns():
    w = Parameter(2.0)
    w.grad = 1.0
    tape = trace(lambda x: w * x, n_inputs=1)
    tape.forward(np.array([[3.0], [4.0]]))
    assert tape.backward(accumulate=False) == {w: 7.0}
    assert w.grad == 1.0
    tape.backward()
    assert w.grad == 8.0


def test_parameter_gradients_is_backward_as_one_array_touching_no_grad():
    w, b = Parameter(2.0), Parameter(-1.0)
    w.grad = b.grad = 5.0
    tape = trace(lambda x: w * x * x + b, n_inputs=1)
    tape.forward(np.array([[3.0], [4.0]]))
    grads = tape.parameter_gradients(reduce="mean")  # d/dw = mean of x², d/db = 1
    np.testing.assert_array_equal(grads, [12.5, 1.0])
    assert tape.parameters == [w, b] and (w.grad, b.grad) == (5.0, 5.0)
    np.testing.assert_array_equal(tape.input_grads, [[6.0], [8.0]])  # d/dx = 2wx, over 2 rows
    assert tape.backward(reduce="mean", accumulate=False) == {w: 12.5, b: 1.0}


def test_any_leaf_value_but_a_constant_is_a_parameter():
    v, c = Value(2.0, "v"), Constant(5.0)
    tape = trace(lambda x: v * x + c * x, n_inputs=1)
    assert tape.parameters == [v]
    tape.forward(np.array([[1.0]]))
    assert tape.backward(accumulate=False) == {v: 1.0}


def test_new_parameter_values_are_seen_without_retracing():
    w = Parameter(1.0)
    tape = trace(lambda x: w * x + autograd.exp(w), n_inputs=1)
    X = np.array([[2.0]])
    assert tape.forward(X)[0] == pytest.approx(2.0 + math.e)
    w.data = 3.0
    assert tape.forward(X)[0] == pytest.approx(6.0 + math.exp(3.0))
    assert tape.backward(accumulate=False)[w] == pytest.approx(2.0 + math.exp(3.0))


def test_an_input_returned_as_is_passes_its_column_and_gradient_through():
    tape = trace(lambda x0, x1: [x1, x0 * x1], n_inputs=2)
    X = np.array([[2.0, 5.0]])
    np.testing.assert_allclose(tape.forward(X), [[5.0, 10.0]])
    tape.backward()
    np.testing.assert_allclose(tape.input_grads, [[5.0, 1.0 + 2.0]])


def test_no_grad_forward_runs_in_chunks_with_the_same_outputs(monkeypatch):
    w = Parameter(0.7)
    tape = trace(lambda x0, x1: autograd.tanh(w * x0 - x1), n_inputs=2)
    X = np.random.default_rng(1).normal(size=(1000, 2))
    whole = tape.forward(X)
    monkeypatch.setattr(tape_module, "CHUNK_CELLS", 64)  # a few rows per chunk
    with autograd.no_grad():
        chunked = tape.forward(X)
    np.testing.assert_array_equal(chunked, whole)
    with pytest.raises(RuntimeError, match="forward pass first"):
        tape.backward()


# ---------------------------------------------------------------- what cannot be traced


def test_a_python_if_on_data_is_refused():
    def fn(x):
        return x * 2 if x.data > 0 else autograd.exp(x)

    with pytest.raises(
        TraceError, match=r"different graphs at the example rows \[1.0\] and \[-1.0\].*Python `if` on .data"
    ):
        trace(fn, n_inputs=1, examples=[[1.0], [-1.0]])


def test_a_branch_the_example_rows_miss_goes_unseen_until_rows_of_the_data_are_given():
    def fn(x):
        return x * 2 if x.data < 5 else autograd.exp(x)

    assert trace(fn, n_inputs=1).n_groups == 1  # the default rows are all below 5
    with pytest.raises(TraceError, match="different graphs"):
        trace(fn, n_inputs=1, examples=[[0.0], [6.0]])


def test_a_number_taken_from_data_is_refused():
    with pytest.raises(TraceError, match=r"constant .* in one and constant"):
        trace(lambda x: x * x.data, n_inputs=1)


def test_a_leaf_made_inside_fn_is_refused():
    with pytest.raises(TraceError, match="new leaf Values"):
        trace(lambda x: x * Value(2.0), n_inputs=1)


def test_fn_must_return_values():
    with pytest.raises(TypeError, match="a Value or a list of Values, got float"):
        trace(lambda x: 1.0, n_inputs=1)
    with pytest.raises(TypeError, match="output 1 is int"):
        trace(lambda x: [x, 3], n_inputs=1)
    with pytest.raises(TypeError, match="empty list"):
        trace(lambda x: [], n_inputs=1)


def test_an_output_that_ignores_the_inputs_is_refused():
    w = Parameter(1.0)
    with pytest.raises(TraceError, match="output 1 of fn does not depend on its inputs"):
        trace(lambda x: [x * w, w * 2], n_inputs=1)


def test_tracing_inside_no_grad_records_the_graph_and_leaves_no_grad_in_force():
    w = Parameter(2.0, "w")
    with autograd.no_grad():
        tape = trace(lambda x: w * x, n_inputs=1)
        assert not autograd.is_grad_enabled()
        assert (w * Value(3.0)).is_leaf  # still nothing recorded outside the trace
        np.testing.assert_array_equal(tape.forward([[1.5], [-1.0]]), [3.0, -2.0])
    tape.forward([[1.5], [-1.0]])
    assert tape.backward(accumulate=False) == {w: 0.5}


def test_bad_n_inputs_and_examples_are_refused():
    with pytest.raises(ValueError, match="n_inputs must be a positive int, got 0"):
        trace(lambda: Value(1.0), n_inputs=0)
    with pytest.raises(ValueError, match=r"examples must have shape \(rows, 2\).*\(3,\)"):
        trace(lambda a, b: a + b, n_inputs=2, examples=[1.0, 2.0, 3.0])


def test_a_domain_error_at_the_example_row_says_to_pass_other_examples():
    with pytest.raises(DomainError, match="log.*Pass examples= rows where fn is defined"):
        trace(lambda x: autograd.log(x), n_inputs=1, examples=[[-1.0]])


def test_X_must_match_the_inputs_and_be_finite():
    tape = trace(lambda a, b: a * b, n_inputs=2)
    with pytest.raises(ValueError, match=r"X must have shape \(rows, 2\) with rows >= 1, got shape \(4, 3\)"):
        tape.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"got shape \(4,\)"):
        tape.forward(np.ones(4))
    with pytest.raises(ValueError, match="X must be finite, got nan at row 1, column 0"):
        tape.forward([[1.0, 2.0], [np.nan, 1.0]])
    with pytest.raises(TypeError, match="array of numbers"):
        tape.forward([["a", "b"]])


def test_seed_and_reduce_are_checked():
    tape = trace(lambda a: a * 2, n_inputs=1)
    with pytest.raises(RuntimeError, match="forward pass first"):
        tape.backward()
    tape.forward(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"seed must have the outputs' shape \(3,\), got \(3, 1\)"):
        tape.backward(seed=np.ones((3, 1)))
    with pytest.raises(ValueError, match="seed must be finite"):
        tape.backward(seed=[1.0, np.inf, 1.0])
    with pytest.raises(ValueError, match='reduce must be "sum" or "mean", got \'max\''):
        tape.backward(reduce="max")


# ---------------------------------------------------------------- domain errors, as the scalar engine


def test_a_domain_error_names_the_op_the_row_and_the_operand():
    tape = trace(lambda x: autograd.log(x), n_inputs=1, examples=[[1.0]])
    with pytest.raises(
        DomainError, match=r"log: log\(a\) needs a > 0; got a = -2.0 \('x\[0\]'\) at row 2 of X"
    ):
        tape.forward([[1.0], [3.0], [-2.0], [-4.0]])
    with pytest.raises(DomainError, match=r"log\(a\) needs a > 0; got a = -2.0"):
        autograd.log(Value(-2.0))  # the scalar engine says the same


def test_a_domain_error_in_a_later_chunk_names_the_row_of_X(monkeypatch):
    tape = trace(lambda x: autograd.sqrt(x), n_inputs=1, examples=[[1.0]])
    monkeypatch.setattr(tape_module, "CHUNK_CELLS", 8)
    X = np.ones((50, 1))
    X[37] = -1.0
    with autograd.no_grad(), pytest.raises(DomainError, match="sqrt.*at row 37 of X"):
        tape.forward(X)


def test_a_parameter_outside_the_domain_after_training_is_named():
    w = Parameter(1.0, "w")
    tape = trace(lambda x: x * autograd.log(w), n_inputs=1)
    w.data = -1.0
    with pytest.raises(DomainError, match=r"log: log\(a\) needs a > 0; got a = -1.0 \('w'\)$"):
        tape.forward([[1.0]])


def test_pow_with_a_negative_base_is_refused_even_where_numpy_has_an_answer():
    tape = trace(lambda x, y: x**y, n_inputs=2, examples=[[2.0, 2.0]])
    with pytest.raises(
        DomainError,
        match=r"pow: .* needs a base a > 0; got a = -2.0 \('x\[0\]'\), b = 2.0 \('x\[1\]'\) at row 0 of X",
    ):
        tape.forward([[-2.0, 2.0]])


def test_an_overflow_names_the_op_and_the_row():
    tape = trace(lambda x: x * 1e307 * x, n_inputs=1, examples=[[1.0]])
    with pytest.raises(
        DomainError,
        match=r"mul: a \* b overflows a float; got a = 1e\+308, b = 10.0 \('x\[0\]'\) at row 1 of X",
    ):
        tape.forward([[1.0], [10.0]])
    with pytest.raises(DomainError, match="overflows a float"):
        Value(10.0) * 1e307 * Value(10.0)


def test_an_infinite_derivative_is_an_error_where_its_gradient_flows_as_in_the_scalar_engine():
    tape = trace(lambda x: autograd.sqrt(x), n_inputs=1, examples=[[1.0]])
    tape.forward([[4.0], [0.0]])
    with pytest.raises(
        DomainError, match=r"sqrt: the derivative of sqrt\(a\) is infinite here; got a = 0.0.*at row 1"
    ):
        tape.backward()
    with pytest.raises(DomainError, match="derivative of sqrt"):
        autograd.sqrt(Value(0.0)).backward()


def test_an_infinite_derivative_with_no_gradient_flowing_is_harmless_as_in_the_scalar_engine():
    def fn(x):
        return autograd.sqrt(x) * autograd.relu(x - 1)  # relu(-1) passes no gradient to the sqrt

    tape = trace(fn, n_inputs=1, examples=[[2.0]])
    tape.forward([[0.0], [4.0]])
    tape.backward()
    x = Value(0.0)
    fn(x).backward()
    np.testing.assert_allclose(tape.input_grads[0], [x.grad])
    np.testing.assert_allclose(tape.input_grads[1], [0.25 * 3 + 2.0])  # d sqrt(x)(x - 1)/dx at 4


def test_a_gradient_that_overflows_only_in_a_constant_is_harmless_as_in_the_scalar_engine():
    tape = trace(lambda x: (x * 1e-300) * 1e300, n_inputs=1, examples=[[1.0]])
    tape.forward([[1e300], [2.0]])  # d/d(the constant 1e-300) = x * 1e300: inf in row 0
    tape.backward()
    np.testing.assert_array_equal(tape.input_grads, [[1.0], [1.0]])


def test_a_parameter_whose_gradient_overflows_is_named_and_keeps_its_grad():
    w = Parameter(1e-300, "w")
    tape = trace(lambda x: (x * w) * 1e300, n_inputs=1, examples=[[1.0]])
    tape.forward([[1e300], [2.0]])
    w.grad = 0.5
    with pytest.raises(DomainError, match=r"^the gradient overflowed: d/d w = "):
        tape.backward()
    assert w.grad == 0.5
