"""The optimisers' finite check looks at the sum first; only a non-finite sum looks at each value."""

import pytest

import nn
from autograd import Parameter


def test_large_finite_parameters_whose_sum_overflows_still_step():
    a, b = Parameter(1e308), Parameter(1e308)  # a + b is inf, each is finite
    a.grad, b.grad = 1.0, -2.0
    nn.SGD([a, b], lr=0.5).step()
    assert a.data == 1e308 - 0.5 and b.data == 1e308 + 1.0


def test_a_step_to_inf_names_the_parameter_and_changes_nothing():
    a, b = Parameter(1.0, label="w1"), Parameter(1e308, label="w2")
    a.grad, b.grad = 1.0, -1e308
    opt = nn.SGD([a, b], lr=10.0)
    with pytest.raises(FloatingPointError, match="w2 to inf"):
        opt.step()
    assert a.data == 1.0 and b.data == 1e308 and opt.velocity == [0.0, 0.0]


def test_plain_sgd_is_p_minus_lr_times_grad_and_keeps_the_gradient_as_velocity():
    w = Parameter(0.75)
    w.grad = 0.5
    opt = nn.SGD([w], lr=0.1)
    opt.step()
    assert w.data == 0.75 - 0.1 * 0.5 and opt.velocity == [0.5]
    opt.momentum = 0.9  # momentum switched on later uses the last step's velocity
    w.grad = 0.25
    opt.step()
    assert w.data == (0.75 - 0.1 * 0.5) - 0.1 * (0.9 * 0.5 + 0.25)
