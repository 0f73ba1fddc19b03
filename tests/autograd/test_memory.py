"""Graphs hold no reference cycles and little memory: sizes, not timings."""

import gc
import random
import tracemalloc
from contextlib import contextmanager

import pytest

import autograd as ag
from autograd import Value

MAX_BYTES_PER_NODE = 200


@contextmanager
def collector_off():
    """The cyclic garbage collector off: only reference counting frees anything."""
    gc.collect()
    with ag.gc_paused():
        yield


def live_values() -> int:
    """How many Value objects exist (Values are tracked by gc, even while it is off)."""
    # type(o), not isinstance: isinstance reads __class__, and some modules' objects (torch's,
    # when another test imported it) warn when that attribute is read.
    return sum(1 for o in gc.get_objects() if issubclass(type(o), Value))


def mixed_graph(n_terms: int) -> Value:
    """sum over terms of relu(tanh(a b + 0.5)) sigmoid(b) / (1 + exp(a)), for 16 shared inputs."""
    rng = random.Random(0)
    xs = [Value(rng.uniform(-1.0, 1.0), label=f"x{i}") for i in range(16)]
    terms = []
    for i in range(n_terms):
        a, b = xs[i % 16], xs[(7 * i + 3) % 16]
        terms.append(ag.tanh(a * b + 0.5).relu() * ag.sigmoid(b) / (1 + ag.exp(a)))
    return ag.sum(terms)


def chain_graph(n: int) -> Value:
    """x c c ... c: n multiplications by one shared Value c."""
    x, c = Value(0.5, label="x"), Value(1.0001, label="c")
    y = x
    for _ in range(n):
        y = y * c
    return y


GRAPHS = [pytest.param(mixed_graph, 10_000 // 11, id="mixed"), pytest.param(chain_graph, 10_000, id="chain")]


@pytest.mark.parametrize("build, size", GRAPHS)
def test_dropping_the_output_frees_every_node_without_the_cyclic_collector(build, size):
    with collector_off():
        before = live_values()
        y = build(size)
        n = len(ag.topological_order(y))
        assert live_values() - before == n
        y.backward()
        del y
        assert live_values() == before


def test_gradients_from_grad_with_create_graph_are_freed_without_the_collector():
    with collector_off():
        before = live_values()
        x = Value(0.7)
        y = x * ag.sin(x) + ag.exp(x) / (1 + x * x)
        first = ag.grad(y, x, create_graph=True)
        second = ag.grad(first, x)
        assert isinstance(first, Value) and isinstance(second, float)
        del x, y, first
        assert live_values() == before


def test_backward_with_create_graph_then_zero_grad_frees_everything_without_the_collector():
    # x.grad is a graph that uses x: a cycle through the leaf's grad until zero_grad breaks it.
    with collector_off():
        before = live_values()
        x = Value(0.7)
        y = x * ag.sin(x)
        y.backward(create_graph=True)
        assert isinstance(x.grad, Value)
        y.zero_grad()
        del x, y
        assert live_values() == before


def test_memory_returns_to_its_baseline_after_the_graph_is_dropped():
    with collector_off():
        tracemalloc.start()
        try:
            # One round first: it fills Python's free lists of floats and tuples, which keep
            # their memory after the graph is gone, so the second round can return to the byte.
            for _ in range(2):
                baseline = tracemalloc.get_traced_memory()[0]
                y = mixed_graph(2_000)
                y.backward()
                held = tracemalloc.get_traced_memory()[0] - baseline
                del y
                left = tracemalloc.get_traced_memory()[0] - baseline
        finally:
            tracemalloc.stop()
    assert held > 1_000_000
    # A few bytes in practice; the slack is for other threads (pytest-xdist's) allocating meanwhile.
    assert left <= 0.01 * held


@pytest.mark.parametrize(
    "build, size", [(mixed_graph, 100_000 // 11), (chain_graph, 100_000)], ids=["mixed", "chain"]
)
def test_a_100k_node_graph_takes_at_most_200_bytes_per_node_before_and_after_backward(build, size):
    with collector_off():
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            y = build(size)
            built = tracemalloc.get_traced_memory()[0] - baseline
            y.backward()  # every node's grad becomes a float of its own
            after_backward = tracemalloc.get_traced_memory()[0] - baseline
        finally:
            tracemalloc.stop()
        n = len(ag.topological_order(y))
    assert n >= 100_000
    assert built / n <= MAX_BYTES_PER_NODE
    assert after_backward / n <= MAX_BYTES_PER_NODE


def live_ops() -> int:
    """How many entries of the op table exist, bound ones (x ** 3's, elu's alpha = 2) included."""
    return sum(1 for o in gc.get_objects() if type(o) is ag.Op)


def test_distinct_exponents_slopes_and_alphas_keep_a_bounded_number_of_ops():
    # Each distinct setting binds an Op of its own (about 2 kB); kept forever, a million
    # exponents held 1.8 GB. Past the cache's size the oldest are dropped once no node uses them.
    limit = ag.ops.BIND_CACHE_SIZE
    x = Value(1.5, label="x")
    before = live_ops()
    for i in range(3 * limit):
        k = 1.0 + i / limit
        assert (x**k).data == 1.5**k
    for i in range(limit):
        assert ag.leaky_relu(Value(-1.0), slope=i / limit).data == -(i / limit)
        assert ag.elu(Value(0.0), alpha=1.0 + i).data == 0.0
    gc.collect()
    assert live_ops() - before <= limit


def test_a_setting_used_again_reuses_its_op_and_a_dropped_one_is_bound_again_correctly():
    x = Value(2.0)
    assert (x**3).made_by is (x**3).made_by is ag.TABLE["powc"].bind(k=3)
    first = (x**0.5).made_by
    for i in range(2 * ag.ops.BIND_CACHE_SIZE):  # pushes k = 0.5 out of the cache
        x ** (10.0 + i / 1000)
    again = x**0.5
    assert again.made_by is not first
    assert again.made_by.rules == first.rules == ("0.5 * a ** (0.5 - 1)",)
    again.backward()
    assert (again.data, x.grad) == (2.0**0.5, 0.5 * 2.0**-0.5)


def test_building_a_graph_of_ops_starts_no_collection_and_leaves_the_collector_on(count_collections):
    # 20,000 new nodes would start about 28 young collections (one per 700 new objects),
    # each scanning the growing graph to find nothing: a node's allocation starts none.
    assert gc.isenabled()
    with count_collections() as collector:
        y = chain_graph(20_000)
    assert collector.runs <= 2  # another thread's allocations (pytest's) may start one
    assert gc.isenabled()
    with count_collections() as collector:
        held = [[] for _ in range(2_000)]  # the program's own objects: the count nodes added is kept
    assert collector.runs >= 1
    del held, y


def test_ops_leave_a_collector_the_user_turned_off_off():
    gc.disable()
    try:
        y = chain_graph(1_000) * 2.0 + ag.tanh(Value(0.3))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert y.data == pytest.approx(0.5 * 1.0001**1000 * 2.0 + 0.2913126124515909)


def test_gc_paused_as_a_decorator_nests_restores_after_errors_and_keeps_a_users_off():
    seen = []

    @ag.gc_paused()
    def inner():
        seen.append(gc.isenabled())

    @ag.gc_paused()
    def outer(fail):
        inner()
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")
        return 3

    assert outer.__name__ == "outer" and outer(False) == 3
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        outer(True)
    assert gc.isenabled()
    gc.disable()
    try:
        outer(False)
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()
