"""Data sets (the Playground's generators, moons) and the input features."""

import math

import numpy as np
import pytest

from nn import data

CLASSIFICATION = ["spiral", "circle", "xor", "gauss", "moons"]


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_every_generator_returns_n_points_in_the_plane_and_is_reproducible(name):
    X, y = data.generate(name, n=101, noise=0.2, seed=3)
    assert X.shape == (101, 2) and X.dtype == float and y.shape == (101,)
    again = data.generate(name, n=101, noise=0.2, seed=3)
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])
    other = data.generate(name, n=101, noise=0.2, seed=4)
    assert not np.array_equal(X, other[0])
    if name in data.REGRESSION:
        assert y.dtype == float
    else:
        assert y.dtype.kind == "i" and set(y.tolist()) == {0, 1}


def test_spiral_without_noise_follows_the_playground_formula():
    X, y = data.spiral(500, noise=0.0)
    m = 250
    i = np.arange(m)
    r = 5 * i / m
    for label, dt, rows in ((1, 0.0, slice(0, m)), (0, math.pi, slice(m, 2 * m))):
        t = 1.75 * 2 * math.pi * i / m + dt
        assert np.allclose(X[rows], np.column_stack([r * np.sin(t), r * np.cos(t)]), rtol=0, atol=1e-12)
        assert (y[rows] == label).all()


def test_spiral_noise_moves_each_coordinate_by_at_most_noise():
    clean, _ = data.spiral(500, noise=0.0)
    noisy, _ = data.spiral(500, noise=0.3, seed=1)
    shift = np.abs(noisy - clean)
    assert shift.max() <= 0.3 and shift.max() > 0.25


def test_circle_without_noise_labels_the_inner_disc_1_and_the_ring_0():
    X, y = data.circle(400, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert (r[y == 1] < 2.5).all()
    assert ((r[y == 0] >= 3.5) & (r[y == 0] <= 5.0)).all()
    assert (y == 1).sum() == 200


def test_circle_noise_flips_labels_only_because_of_the_moved_point():
    X, y = data.circle(2000, noise=0.5, seed=0)
    inside = np.hypot(X[:, 0], X[:, 1]) < 2.5
    flipped = (y == 1) != inside
    assert 0 < flipped.mean() < 0.5


def test_xor_points_keep_0_3_away_from_the_axes_and_are_labelled_by_the_sign_of_x1_x2():
    X, y = data.xor(1000, noise=0.0)
    assert (np.abs(X) >= 0.3).all() and (np.abs(X) <= 5.3).all()
    assert np.array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(int))


def test_gauss_clouds_have_the_playground_variance():
    for noise in (0.0, 0.5):
        X, y = data.gauss(8000, noise=noise, seed=0)
        assert X[y == 1].mean(axis=0) == pytest.approx([2, 2], abs=0.1)
        assert X[y == 0].mean(axis=0) == pytest.approx([-2, -2], abs=0.1)
        assert X[y == 1].var(axis=0) == pytest.approx([0.5 + 7 * noise] * 2, rel=0.06)


def test_moons_without_noise_lie_on_two_half_circles():
    X, y = data.moons(100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert len(upper) == 50 and len(lower) == 50
    assert np.hypot(upper[:, 0], upper[:, 1]) == pytest.approx(np.ones(50))
    assert (upper[:, 1] >= -1e-12).all()
    assert np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5) == pytest.approx(np.ones(50))
    assert (lower[:, 1] <= 0.5 + 1e-12).all()
    assert set(y[:10].tolist()) == {0, 1}  # shuffled, as make_moons does


def test_plane_targets_are_x1_plus_x2_over_10_without_noise():
    X, y = data.plane(200, noise=0.0)
    assert (np.abs(X) <= 6).all()
    assert y == pytest.approx((X[:, 0] + X[:, 1]) / 10, rel=1e-15)


def test_six_gaussians_target_is_the_strongest_bump():
    X, y = data.six_gaussians(300, noise=0.0)

    def bump(x1, x2):
        best = 0.0
        for cx, cy, sign in data.SIX_GAUSSIANS:
            value = sign * min(1.0, max(0.0, 1 - math.dist((x1, x2), (cx, cy)) / 2))
            if abs(value) > abs(best):
                best = value
        return best

    assert y.tolist() == pytest.approx([bump(*p) for p in X.tolist()], abs=1e-12)
    assert (np.abs(y) <= 1).all() and (y > 0.5).any() and (y < -0.5).any()


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize(
    ("n", "noise"), [(0, 0.0), (-5, 0.0), (2.5, 0.0), (True, 0.0), (10, -0.1), (10, 0.6)]
)
def test_bad_arguments_raise_a_value_error(name, n, noise):
    with pytest.raises(ValueError, match="must be"):
        data.generate(name, n=n, noise=noise)


def test_unknown_data_set_lists_the_valid_names():
    with pytest.raises(
        ValueError, match="unknown data set 'swirl'; expected one of: spiral, circle, xor, gauss, moons"
    ):
        data.generate("swirl")


def test_features_compute_the_playground_s_and_the_lecture_s_formulas():
    X = np.array([[1.0, 2.0], [-0.5, 0.25]])
    F = data.features(X, list(data.FEATURES))
    x1, x2 = X[:, 0], X[:, 1]
    r = np.sqrt(x1**2 + x2**2)
    theta = np.arctan2(x1, x2)
    expected = [
        x1,
        x2,
        x1**2,
        x2**2,
        x1 * x2,
        np.sin(x1),
        np.sin(x2),
        r,
        theta,
        np.mod(theta - 2 * r, 2 * np.pi),
    ]
    assert np.allclose(F, np.column_stack(expected), rtol=1e-15, atol=0)


def test_theta_is_atan2_of_x1_then_x2_the_angle_the_playground_draws_with():
    F = data.features(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, -1.0]]), ["theta"])
    assert F[:, 0] == pytest.approx([math.pi / 2, 0.0, math.pi])


def test_the_spiral_feature_puts_each_arm_of_the_clean_spiral_in_its_own_band():
    X, y = data.spiral(500, noise=0.0)
    s = data.features(X, "r, spiral")
    away = s[:, 0] > 0  # the first point of both arms is the origin
    ones, zeros = s[away & (y == 1), 1], s[away & (y == 0), 1]
    assert ones.min() >= 0 and ones.max() < 1
    assert zeros.min() >= math.pi and zeros.max() < math.pi + 1


def test_feature_names_are_checked():
    with pytest.raises(ValueError, match="unknown feature\\(s\\) 'x3'; expected some of: x1, x2, x1_sq"):
        data.features(np.zeros((2, 2)), ["x1", "x3"])
    with pytest.raises(ValueError, match="at least one name"):
        data.features(np.zeros((2, 2)), [])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        data.features(np.zeros((2, 3)), ["x1"])
    assert list(data.FEATURES)[:2] == ["x1", "x2"] and data.FEATURES["spiral"].formula == "(θ − 2r) mod 2π"


def test_train_test_split_shuffles_and_partitions():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=1)
    assert len(X_test) == 5 and len(X_train) == 15
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(20))
    assert np.array_equal(X_train[:, 0], 2 * y_train)
    assert y_train.tolist() != sorted(y_train.tolist())
    again = data.train_test_split(X, y, test_size=0.25, seed=1)
    assert np.array_equal(again[3], y_test)
    with pytest.raises(ValueError, match="test_size"):
        data.train_test_split(X, y, test_size=1.0)
    with pytest.raises(ValueError, match="same number of points"):
        data.train_test_split(X, y[:3])


def test_random_labels_are_uniform_and_seeded():
    y = data.random_labels(4000, seed=2)
    assert set(y.tolist()) == {0, 1} and abs(y.mean() - 0.5) < 0.03
    assert np.array_equal(y, data.random_labels(4000, seed=2))
    assert set(data.random_labels(300, classes=3).tolist()) == {0, 1, 2}
    with pytest.raises(ValueError, match="n must be"):
        data.random_labels(0)
