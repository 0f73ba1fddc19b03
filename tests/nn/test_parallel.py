"""nn.data_parallel_grad: shard gradients from worker processes add up to the full batch's gradient."""

import numpy as np
import pytest

import nn

X, Y = nn.data.moons(30, noise=0.1, seed=0)


def full_batch_gradient(model, loss):
    model.zero_grad()
    nn.losses.get(loss)(model.forward_batch(X), Y).backward()
    return np.array([p.grad for p in model.parameters()])


@pytest.mark.parametrize("workers, loss", [(2, "bce"), (3, "mse"), (1, "hinge")])
def test_the_summed_shard_gradients_equal_one_full_batch_pass(workers, loss):
    model = nn.MLP(2, [5, 4, 1], activation="tanh", seed=0)
    expected = full_batch_gradient(model, loss)
    model.zero_grad()
    got = nn.data_parallel_grad(model, X, Y, loss=loss, workers=workers)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal([p.grad for p in model.parameters()], got)


def test_uneven_shards_are_weighted_by_their_size():
    # 7 examples on 3 workers: shards of 3, 2 and 2, weighted 3/7, 2/7, 2/7.
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    model.zero_grad()
    nn.mse(model.forward_batch(X[:7]), Y[:7]).backward()
    expected = np.array([p.grad for p in model.parameters()])
    got = nn.data_parallel_grad(model, X[:7], Y[:7], "mse", workers=3)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_a_batchnorm_in_training_mode_is_refused_with_the_reason():
    model = nn.MLP(2, [4, 1], batchnorm=True, seed=0)
    with pytest.raises(ValueError, match="cannot split this batch: BatchNorm .layers.0.batchnorm. is in"):
        nn.data_parallel_grad(model, X, Y, "bce")


def test_a_lambda_loss_is_refused_because_it_cannot_reach_the_workers():
    with pytest.raises(TypeError, match="give a loss name or a function defined at module level"):
        nn.data_parallel_grad(nn.MLP(2, [3, 1]), X, Y, loss=lambda o, t: nn.mse(o, t))


def test_a_bad_number_of_workers_is_named():
    with pytest.raises(ValueError, match="workers must be a whole number >= 1, got 0"):
        nn.data_parallel_grad(nn.MLP(2, [3, 1]), X, Y, workers=0)
