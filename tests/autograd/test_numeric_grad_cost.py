"""The cost of finite differences: numeric_grad calls fn twice per coordinate (its docstring's formula)."""

import math

import pytest

import autograd


@pytest.mark.parametrize("n", [1, 3, 10])
def test_numeric_grad_makes_two_forward_evaluations_per_coordinate(n):
    calls = []

    def f(*xs):
        calls.append(1)
        return math.fsum(x * x for x in xs)  # numeric_grad passes plain numbers

    point = [0.1 * i for i in range(n)]
    grads = autograd.numeric_grad(f, point)
    assert len(calls) == 2 * n
    assert grads == pytest.approx([2 * x for x in point], abs=1e-8)
