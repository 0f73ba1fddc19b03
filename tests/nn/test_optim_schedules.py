"""Optimisers (SGD, Adam) and learning-rate schedules, against their formulas."""

import math

import pytest

import nn
from autograd import Parameter


def params_with_grads(data, grads):
    ps = [Parameter(x) for x in data]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_sgd_steps_against_the_gradient():
    ps = params_with_grads([1.0, -2.0], [0.5, -4.0])
    nn.SGD(ps, lr=0.1).step()
    assert [p.data for p in ps] == pytest.approx([1.0 - 0.05, -2.0 + 0.4], rel=1e-15)


def test_sgd_momentum_accumulates_a_velocity():
    (p,) = params_with_grads([1.0], [0.5])
    opt = nn.SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    p.grad = 0.25
    opt.step()
    v1 = 0.5
    v2 = 0.9 * v1 + 0.25
    assert p.data == pytest.approx(1.0 - 0.1 * v1 - 0.1 * v2, rel=1e-15)


def test_sgd_weight_decay_adds_the_penalty_gradient():
    (p,) = params_with_grads([2.0], [0.5])
    nn.SGD([p], lr=0.1, weight_decay=0.01).step()
    assert p.data == pytest.approx(2.0 - 0.1 * (0.5 + 0.01 * 2.0), rel=1e-15)


def test_adam_first_step_moves_each_parameter_by_about_lr_whatever_its_gradient_scale():
    ps = params_with_grads([1.0, 1.0], [1e-4, -1e4])
    nn.Adam(ps, lr=0.01, eps=1e-8).step()
    # m_hat = g and v_hat = g^2 after one step, so the step is lr * g / (|g| + eps): about lr.
    assert ps[0].data == pytest.approx(1.0 - 0.01 * 1e-4 / (1e-4 + 1e-8), rel=1e-15)
    assert ps[1].data == pytest.approx(1.0 + 0.01 * 1e4 / (1e4 + 1e-8), rel=1e-15)


def test_adam_second_step_uses_bias_corrected_moments():
    (p,) = params_with_grads([1.0], [0.5])
    opt = nn.Adam([p], lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    opt.step()
    after_one = p.data
    p.grad = -0.2
    opt.step()
    m = 0.9 * (0.1 * 0.5) + 0.1 * -0.2
    v = 0.99 * (0.01 * 0.25) + 0.01 * 0.04
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.99**2)
    assert p.data == pytest.approx(after_one - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-14)


def test_a_step_that_would_overflow_raises_and_changes_nothing():
    ps = params_with_grads([1.0, 2.0], [1.0, 1e300])
    opt = nn.SGD(ps, lr=1e10, momentum=0.5)
    with pytest.raises(FloatingPointError, match="learning rate is probably too large"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0] and opt.velocity == [0.0, 0.0]


def test_zero_grad_sets_every_grad_to_zero():
    ps = params_with_grads([1.0, 2.0], [3.0, 4.0])
    nn.Adam(ps).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_optimizer_arguments_are_checked():
    with pytest.raises(ValueError, match="at least one parameter"):
        nn.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        nn.SGD([Parameter(1.0)], lr=0.0)
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\], got 1.5"):
        nn.SGD([Parameter(1.0)], lr=0.1, momentum=1.5)
    with pytest.raises(TypeError, match="Values to optimise"):
        nn.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; expected one of: sgd, adam"):
        nn.optim.make("rmsprop", [Parameter(1.0)])


def test_step_decay_multiplies_by_gamma_every_k_epochs():
    schedule = nn.StepDecay(every=10, gamma=0.5)
    assert [schedule(0.8, e) for e in (0, 9, 10, 19, 20, 35)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]


def test_linear_decay_is_micrograd_s_demo_rate():
    schedule = nn.LinearDecay(100, end_factor=0.1)
    assert schedule.rates(1.0, 100) == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)], rel=1e-15)
    assert schedule(1.0, 250) == pytest.approx(0.1)


def test_cosine_decay_goes_from_base_to_end_along_half_a_cosine():
    schedule = nn.CosineDecay(10, end_factor=0.2)
    assert schedule(1.0, 0) == 1.0
    assert schedule(1.0, 5) == pytest.approx(0.6, rel=1e-15)
    assert schedule(1.0, 10) == pytest.approx(0.2, rel=1e-15)
    assert schedule(1.0, 3) == pytest.approx(0.2 + 0.8 * 0.5 * (1 + math.cos(math.pi * 0.3)), rel=1e-15)


def test_schedules_by_name_and_their_errors():
    assert nn.schedules.make("step", every=3, gamma=0.5)(1.0, 3) == 0.5
    with pytest.raises(ValueError, match="unknown schedule 'exp'; expected one of: step, linear, cosine"):
        nn.schedules.make("exp")
    with pytest.raises(ValueError, match="every must be a whole number"):
        nn.StepDecay(every=0)
    with pytest.raises(ValueError, match="gamma must be a number in"):
        nn.StepDecay(every=2, gamma=1.5)
