"""Generalisation measured: the train/test gap per training-set size, and the membership attack."""

import numpy as np
import pytest

import nn

X, Y = nn.data.moons(120, noise=0.25, seed=0)


def small_model(seed):
    return nn.MLP(2, [8, 1], activation="tanh", seed=seed)


def test_without_training_the_losses_are_those_of_the_documented_split():
    found = nn.generalization_gap(small_model, X, Y, sizes=[5, 40], seeds=[3], loss="bce", epochs=0)
    order = np.random.default_rng(3).permutation(len(X))
    test, model = order[:30], small_model(3)

    def bce(rows):
        return nn.binary_cross_entropy(model.forward_batch(X[rows]), Y[rows]).data

    for i, n in enumerate([5, 40]):
        assert found.train_loss[i, 0] == pytest.approx(bce(order[30 : 30 + n]), rel=1e-12)
        assert found.test_loss[i, 0] == pytest.approx(bce(test), rel=1e-12)
    np.testing.assert_array_equal(found.gap, found.test_loss - found.train_loss)


def test_the_gap_shrinks_as_the_training_set_grows():
    found = nn.generalization_gap(
        small_model, X, Y, sizes=[6, 90], seeds=[0, 1], loss="bce", optimizer="adam", lr=0.05, epochs=150
    )
    assert found.train_loss.shape == found.test_loss.shape == (2, 2)
    small, large = found.gap.mean(axis=1)
    assert small > 1.0 and abs(large) < 0.2  # 6 points are memorised (gap 1.5); 90 teach the moons (0.0)


def test_sizes_beyond_the_examples_left_for_training_are_named():
    with pytest.raises(ValueError, match=r"sizes must be training-set sizes from 1 to 90 .* got \[100\]"):
        nn.generalization_gap(small_model, X, Y, sizes=[100])


def test_the_attack_is_at_chance_when_members_and_non_members_are_the_same_examples():
    model = small_model(0)
    attack = nn.membership_attack(model, X[:50], Y[:50], X[:50], Y[:50], loss="bce")
    assert attack.accuracy == 0.5
    assert attack.threshold == pytest.approx(attack.member_losses.mean())


def test_the_attack_finds_the_examples_a_model_fits_exactly():
    # A linear neuron fits 2 targets of a line exactly (loss 0) and misses the others.
    neuron = nn.Neuron(1, activation="linear")
    neuron.w[0].data, neuron.b.data = 2.0, 1.0
    X_in, y_in = np.array([[0.0], [1.0]]), np.array([1.0, 3.0])
    X_out, y_out = np.array([[2.0], [3.0]]), np.array([6.0, 5.0])
    attack = nn.membership_attack(neuron, X_in, y_in, X_out, y_out, loss="mse")
    assert attack.threshold == 0.0 and attack.accuracy == 1.0
    np.testing.assert_allclose(attack.nonmember_losses, [1.0, 4.0])


def test_a_model_that_memorised_random_labels_leaks_membership():
    X_all, _ = nn.data.gauss(80, seed=1)
    y_all = nn.data.random_labels(80, seed=2)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    nn.fit(model, X_all[:40], y_all[:40], optimizer="adam", lr=0.03, epochs=800, progress=False)
    attack = nn.membership_attack(model, X_all[:40], y_all[:40], X_all[40:], y_all[40:], loss="bce")
    # Chance is 0.5 with a standard deviation of 0.056 over 80 guesses; this model scores 0.675.
    assert attack.accuracy > 0.65


def test_membership_attack_names_mismatched_data():
    with pytest.raises(ValueError, match=r"X_test, y_test need the same number of examples .* got 3 and 2"):
        nn.membership_attack(small_model(0), X[:5], Y[:5], X[:3], Y[:2])
