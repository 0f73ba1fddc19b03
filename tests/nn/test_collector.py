"""nn builds its graphs with the cyclic collector paused, and leaves the collector as it found it."""

import gc

import numpy as np

import nn


def test_a_forward_pass_and_its_loss_start_no_collection(count_collections):
    # About 20,000 nodes and the lists around them: left running, the collector would
    # start about 50 times, each run scanning the graph built so far to find nothing.
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X, y = nn.data.moons(60, noise=0.1, seed=1)
    with count_collections() as collector:
        scores = model.forward_batch(X)
        one = model(X[0])
        loss = nn.hinge(scores, y) + nn.l2(model.parameters(), 1e-4)
    assert collector.runs <= 2  # another thread's allocations (pytest's) may start one
    assert gc.isenabled()
    loss.backward()
    assert np.isfinite([p.grad for p in model.parameters()]).all() and one[0].data == scores[0][0].data


def test_nn_leaves_a_collector_the_user_turned_off_off():
    model = nn.MLP(2, [3, 1], seed=0)
    gc.disable()
    try:
        loss = nn.mse(model.forward_batch([[0.5, -1.0]]), [0.25])
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert loss.data >= 0.0
