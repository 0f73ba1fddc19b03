"""autograd.hvp: Hessian-vector products by double backward, checked by hand and by finite differences."""

import numpy as np
import pytest

import autograd
from autograd import Value


def quadratic(A, xs):
    """f(x) = 1/2 x^T A x as a graph of Values: its Hessian is A (symmetric)."""
    n = len(xs)
    return autograd.sum([0.5 * A[i, j] * xs[i] * xs[j] for i in range(n) for j in range(n)])


def test_hvp_of_a_quadratic_is_the_matrix_times_the_vector():
    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, -1.0], [0.0, -1.0, 4.0]])
    xs = [Value(x) for x in (0.3, -1.2, 2.0)]
    v = [1.0, -2.0, 0.5]
    np.testing.assert_allclose(autograd.hvp(quadratic(A, xs), xs, v), A @ v, rtol=0, atol=1e-12)


def test_hvp_by_hand_for_x_squared_y():
    # f = x^2 y: H = [[2y, 2x], [2x, 0]]
    x, y = Value(1.5), Value(-2.0)
    f = x * x * y
    assert autograd.hvp(f, [x, y], [1.0, 0.0]) == pytest.approx([2 * -2.0, 2 * 1.5], abs=1e-12)
    assert autograd.hvp(f, [x, y], [0.0, 1.0]) == pytest.approx([2 * 1.5, 0.0], abs=1e-12)


def test_hvp_columns_equal_finite_differences_of_the_gradient():
    point = [0.7, -0.4, 1.1]

    def f(a, b, c):
        return autograd.sin(a * b) + autograd.exp(0.5 * c) * a + autograd.tanh(b - c) ** 2

    def gradient_at(p):
        leaves = [Value(x) for x in p]
        return np.array(autograd.grad(f(*leaves), leaves))

    leaves = [Value(x) for x in point]
    product = autograd.hvp_operator(f(*leaves), leaves)
    h = 1e-5
    for j in range(3):
        up, down = list(point), list(point)
        up[j] += h
        down[j] -= h
        column = (gradient_at(up) - gradient_at(down)) / (2 * h)
        e = [0.0] * 3
        e[j] = 1.0
        np.testing.assert_allclose(product(e), column, atol=1e-8)


def test_hvp_leaves_the_grads_as_they_were():
    x, y = Value(1.0), Value(2.0)
    x.grad, y.grad = 5.0, 7.0
    autograd.hvp(x * y * y, [x, y], [1.0, 1.0])
    assert (x.grad, y.grad) == (5.0, 7.0)


def test_a_parameter_the_output_is_linear_in_has_a_zero_row():
    x, y = Value(1.0), Value(3.0)
    assert autograd.hvp(2.0 * x + y * y, [x, y], [1.0, 1.0]) == [0.0, 2.0]


def test_hvp_names_a_vector_of_the_wrong_length():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"one number per parameter \(1\), got 2"):
        autograd.hvp(x * x, [x], [1.0, 2.0])


def test_hvp_names_a_non_value_output():
    with pytest.raises(TypeError, match="f_value to be a Value"):
        autograd.hvp(3.0, [Value(1.0)], [1.0])


def test_hvp_names_a_non_finite_vector_entry():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"v\[0\] is nan"):
        autograd.hvp(x * x, [x], [float("nan")])


def test_hvp_operator_names_a_parameter_that_is_not_a_value():
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"params\[1\] is float 2.0"):
        autograd.hvp_operator(x * x, [x, 2.0])
