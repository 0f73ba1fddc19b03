"""Generalisation, measured: the train/test gap as the training set grows, and what the gap leaks.

The gap between the test loss and the training loss shrinks as the training set grows
(information bounds give it the shape 1/sqrt(N)); ``generalization_gap`` measures it.
A model that memorises gives its training examples a lower loss than new ones, and that
difference alone tells who was in the training set: ``membership_attack`` measures how well
(the lecture's privacy risk of memorisation).
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

import autograd

from . import losses
from .module import Module
from .training import fit


class GapMeasurements(NamedTuple):
    """Losses after training, one row per training-set size, one column per seed.

    ``train_loss[i, j]``: the mean loss on the N = ``sizes[i]`` training examples of seed
    ``seeds[j]``; ``test_loss[i, j]``: on that seed's held-out examples; ``gap`` is
    test_loss - train_loss.
    """

    sizes: np.ndarray
    seeds: list
    train_loss: np.ndarray
    test_loss: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        return self.test_loss - self.train_loss


def generalization_gap(
    model_fn, X, y, sizes, seeds=(0,), loss="bce", test_size: float = 0.25, **fit_options
) -> GapMeasurements:
    """Train a fresh model on N examples for every N in ``sizes`` and seed; measure train and test loss.

    For each seed s: the examples are shuffled with s; the first ``test_size`` of them
    (a fraction) are the test set, the same for every N; the next N are the training set.
    ``model_fn(s)`` makes the model (a new one each time), ``nn.fit`` trains it with
    ``loss`` and ``fit_options`` (epochs, lr, optimizer, ...; ``seed=s``, no progress bar),
    and both losses are measured in evaluation mode. Plot ``gap`` against N beside
    c / sqrt(N) to see the shape of the information bound.
    """
    if not callable(model_fn):
        raise TypeError(f"model_fn must be a function seed -> model, got {type(model_fn).__name__}")
    loss_fn = losses.get(loss)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"generalization_gap: {len(X)} examples in X but {len(y)} targets in y")
    if not isinstance(test_size, Real) or not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    n_test = max(1, round(test_size * len(X)))
    room = len(X) - n_test
    sizes = np.asarray(list(sizes) if not isinstance(sizes, Integral) else [sizes])
    bad = [n for n in sizes.tolist() if not isinstance(n, int) or not 1 <= n <= room]
    if len(sizes) == 0 or bad:
        raise ValueError(
            f"sizes must be training-set sizes from 1 to {room} ({len(X)} examples, {n_test} held out "
            f"for testing), got {sizes.tolist()}"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds needs at least one seed, got none")
    train_loss = np.empty((len(sizes), len(seeds)))
    test_loss = np.empty_like(train_loss)
    for j, seed in enumerate(seeds):
        order = np.random.default_rng(seed).permutation(len(X))
        test = order[:n_test]
        for i, n in enumerate(sizes.tolist()):
            train = order[n_test : n_test + n]
            model = model_fn(seed)
            if not isinstance(model, Module):
                raise TypeError(f"model_fn must return an nn Module, got {type(model).__name__}")
            fit(model, X[train], y[train], loss=loss_fn, seed=seed, progress=False, **fit_options)
            train_loss[i, j] = _mean_loss(model, X[train], y[train], loss_fn)
            test_loss[i, j] = _mean_loss(model, X[test], y[test], loss_fn)
    return GapMeasurements(sizes, seeds, train_loss, test_loss)


class MembershipAttack(NamedTuple):
    """The result of ``membership_attack``: its accuracy, the threshold, the per-example losses."""

    accuracy: float
    threshold: float
    member_losses: np.ndarray
    nonmember_losses: np.ndarray


def membership_attack(model: Module, X_train, y_train, X_test, y_test, loss="bce") -> MembershipAttack:
    """How well "loss at most the mean training loss" tells training examples from new ones.

    The attack of Yeom et al. (2018): guess "member" for an example whose loss is at most
    the model's mean loss on its training set. It is run on as many training examples
    (members) as test examples (non-members), the first k of each with k the smaller
    count, so guessing at random scores 50%: an accuracy above that is what the model's
    memorisation leaks. Losses are each example's loss alone, in evaluation mode.
    """
    if not isinstance(model, Module):
        raise TypeError(f"membership_attack needs model to be an nn Module, got {type(model).__name__}")
    loss_fn = losses.get(loss)
    members = _per_example_losses(model, X_train, y_train, loss_fn, "X_train, y_train")
    nonmembers = _per_example_losses(model, X_test, y_test, loss_fn, "X_test, y_test")
    threshold = float(members.mean())
    k = min(len(members), len(nonmembers))
    correct = np.sum(members[:k] <= threshold) + np.sum(nonmembers[:k] > threshold)
    return MembershipAttack(float(correct / (2 * k)), threshold, members, nonmembers)


def _outputs(model, X) -> list[list[autograd.Value]]:
    """The model's outputs in evaluation mode as graph-free Values, ready for a loss function."""
    values = model.predict(X)
    return [[autograd.Value(v) for v in row] for row in values.reshape(len(values), -1).tolist()]


def _mean_loss(model, X, y, loss_fn) -> float:
    with autograd.no_grad():
        return loss_fn(_outputs(model, X), y).data


def _per_example_losses(model, X, y, loss_fn, what) -> np.ndarray:
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"membership_attack: {what} need the same number of examples (at least 1), "
            f"got {len(X)} and {len(y)}"
        )
    with autograd.no_grad():
        rows = _outputs(model, X)
        return np.array([loss_fn([row], y[i : i + 1]).data for i, row in enumerate(rows)])
