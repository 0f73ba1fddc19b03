"""The polynomial embedding: phi(x) = (1, x, ..., x^n), and all monomials of two inputs."""

import numpy as np
import pytest

import nn

X2 = np.array([[0.5, -2.0], [1.5, 3.0], [-1.0, 0.25]])


def test_one_input_gives_the_powers_of_x():
    x = np.array([2.0, -1.0, 0.5])
    Phi, names = nn.polynomial_features(x, 3)
    assert names == ["1", "x1", "x1_sq", "x1_pow3"]
    np.testing.assert_array_equal(Phi, [[1, 2, 4, 8], [1, -1, 1, -1], [1, 0.5, 0.25, 0.125]])


def test_two_inputs_give_every_monomial_up_to_the_degree():
    Phi, names = nn.polynomial_features(X2, 3)
    assert names == ["1", "x1", "x2", "x1_sq", "x1_x2", "x2_sq", "x1_pow3", "x1_sq_x2", "x1_x2_sq", "x2_pow3"]
    x1, x2 = X2[:, 0], X2[:, 1]
    expected = [x1**0, x1, x2, x1**2, x1 * x2, x2**2, x1**3, x1**2 * x2, x1 * x2**2, x2**3]
    np.testing.assert_allclose(Phi, np.column_stack(expected), rtol=1e-15)


def test_without_interactions_each_input_gets_its_own_powers():
    Phi, names = nn.polynomial_features(X2, 2, interactions=False)
    assert names == ["1", "x1", "x1_sq", "x2", "x2_sq"]
    x1, x2 = X2[:, 0], X2[:, 1]
    np.testing.assert_allclose(Phi, np.column_stack([np.ones(3), x1, x1**2, x2, x2**2]), rtol=1e-15)


def test_names_shared_with_the_playground_features_mean_the_same_columns():
    Phi, names = nn.polynomial_features(X2, 2)
    shared = [n for n in names if n in nn.data.FEATURES]
    assert shared == ["x1", "x2", "x1_sq", "x1_x2", "x2_sq"]
    np.testing.assert_allclose(Phi[:, [names.index(n) for n in shared]], nn.data.features(X2, shared))


def test_a_linear_model_on_the_embedding_fits_a_cubic_exactly():
    x = np.linspace(-1.0, 1.0, 9)
    Phi, _ = nn.polynomial_features(x, 3)
    coefficients = np.linalg.lstsq(Phi, 1.0 - 2.0 * x + 0.5 * x**3, rcond=None)[0]
    np.testing.assert_allclose(coefficients, [1.0, -2.0, 0.0, 0.5], atol=1e-12)


def test_a_bad_degree_is_named():
    with pytest.raises(ValueError, match="degree must be a whole number >= 1, got 0"):
        nn.polynomial_features(X2, 0)


def test_a_non_finite_input_is_named():
    with pytest.raises(ValueError, match="finite inputs"):
        nn.data.polynomial_features([1.0, float("nan")], 2)
