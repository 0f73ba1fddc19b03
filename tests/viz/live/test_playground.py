"""viz.Playground's logic in the kernel: controls, Step / Play / Reset, the views, the links."""

import time

import numpy as np
import pytest

import nn
import viz
from viz.live.session import Session

LINK = (
    "https://playground.tensorflow.org/#activation=relu&batchSize=5&dataset=xor&regDataset=reg-plane"
    "&learningRate=0.1&regularizationRate=0&noise=10&networkShape=3&seed=7&showTestData=true"
    "&discretize=false&percTrainData=60&x=true&y=true&xTimesY=true&xSquared=false&ySquared=false"
    "&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification"
    "&initZero=false&hideText=false"
)


@pytest.fixture
def playground():
    p = viz.Playground(points=100)
    yield p
    p.pause()


def weights(model):
    return np.array([p.data for p in model.parameters()])


def test_step_trains_one_epoch_and_redraws(playground):
    before, plane, network = (
        weights(playground.session.model),
        playground.plane.value,
        playground.network.value,
    )
    playground.step_button.click()
    assert playground.session.epoch == 1
    assert "Epoch 1" in playground.epoch_label.value
    assert not np.array_equal(weights(playground.session.model), before)
    assert playground.plane.value != plane and playground.network.value != network
    assert len(playground.session.train_loss) == 2  # before training, and after the epoch


def test_training_lowers_the_loss_on_the_circle():
    session = Session(nn.data.PlaygroundConfig(learning_rate=0.1, seed="1"), points=200)
    for _ in range(40):
        session.step()
    assert session.train_loss[-1] < 0.6 * session.train_loss[0]


def test_play_trains_in_the_background_until_pause(playground):
    playground.play_button.value = True
    deadline = time.monotonic() + 10
    while playground.session.epoch < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    playground.play_button.value = False
    assert not playground.playing
    stopped = playground.session.epoch
    assert stopped >= 3
    assert f"Epoch {stopped}" in playground.epoch_label.value
    time.sleep(0.1)
    assert playground.session.epoch == stopped
    assert playground.play_button.description == "Play"


def test_reset_starts_the_same_network_over(playground):
    first = weights(playground.session.model)
    playground.step()
    playground.reset_button.click()
    assert playground.session.epoch == 0
    assert np.array_equal(weights(playground.session.model), first)


def test_the_learning_rate_changes_while_training_goes_on(playground):
    playground.step()
    kept = weights(playground.session.model)
    playground.learning_rate.value = 0.3
    assert playground.session.optimizer.lr == 0.3
    assert playground.session.epoch == 1
    assert np.array_equal(weights(playground.session.model), kept)
    assert "learningRate=0.3" in playground.to_url()


def test_regularization_changes_keep_training(playground):
    playground.step()
    playground.regularization.value = "L2"
    playground.regularization_rate.value = 0.1
    assert playground.session.epoch == 1
    assert playground.session.config.regularization == "L2"


def test_l2_regularization_shrinks_the_weights():
    plain = Session(nn.data.PlaygroundConfig(learning_rate=0.1), points=100)
    shrunk = Session(
        nn.data.PlaygroundConfig(learning_rate=0.1, regularization="L2", regularization_rate=1.0), points=100
    )
    for _ in range(5):
        plain.step()
        shrunk.step()
    size = [np.abs([w.data for w in s.weights]).sum() for s in (plain, shrunk)]
    assert size[1] < 0.8 * size[0]


def test_changing_the_data_starts_over(playground):
    playground.step()
    old_points = playground.session.X_train.copy()
    playground.dataset.value = "spiral"
    assert playground.session.epoch == 0
    assert playground.session.config.dataset == "spiral"
    assert not np.array_equal(playground.session.X_train, old_points)


def test_changing_features_gives_a_network_with_that_many_inputs(playground):
    playground.features.value = ("x1", "x2", "r")
    assert playground.session.model.nin == 3
    assert playground.session.inputs_train.shape[1] == 3
    assert playground.network.value.count("<image") == 3 + 4 + 2 + 1


def test_changing_the_hidden_layers_rebuilds_the_network(playground):
    playground.hidden.value = "5,3,2"
    assert playground.session.model.sizes == [5, 3, 2, 1]
    assert len(playground.unit.options) == 5 + 3 + 2 + 1


def test_a_bad_hidden_layer_text_is_shown_and_the_network_kept(playground):
    playground.hidden.value = "4,nine"
    assert "4,nine" in playground.message.value
    assert playground.session.model.sizes == [4, 2, 1]


def test_the_regression_problem_offers_its_sets_and_trains_with_squared_error(playground):
    playground.problem.value = "regression"
    assert playground.dataset.options == ("plane", "six_gaussians")
    assert playground.session.config.data_set == "plane"
    assert playground.session.regression and playground.session.loss == "mse"
    playground.dataset.value = "six_gaussians"
    assert playground.session.config.reg_dataset == "six_gaussians"
    playground.step()
    assert playground.session.epoch == 1
    assert "problem=regression" in playground.to_url()


def test_test_points_toggle_without_starting_over(playground):
    playground.step()
    shown = playground.plane.value.count("<circle")
    playground.show_test.value = True
    assert playground.plane.value.count("<circle") == shown + len(playground.session.X_test)
    assert playground.session.epoch == 1
    assert "showTestData=true" in playground.to_url()


def test_discretize_paints_each_side_in_one_colour(playground):
    for _ in range(3):
        playground.step()
    smooth = playground.plane.value
    playground.discretize.value = True
    assert playground.plane.value != smooth
    assert playground.session.epoch == 3 and "discretize=true" in playground.to_url()


def test_layer_buttons_add_and_remove_hidden_layers(playground):
    playground.add_layer_button.click()
    assert playground.session.model.sizes == [4, 2, 2, 1]
    playground.remove_layer_button.click()
    playground.remove_layer_button.click()
    assert playground.session.model.sizes == [4, 1]


def test_unit_buttons_change_the_chosen_layers_width_within_1_to_8(playground):
    playground.layer.value = 1
    playground.add_unit_button.click()
    assert playground.session.model.sizes == [4, 3, 1]
    assert playground.layer.value == 1  # the choice stays on the rebuilt network
    for _ in range(10):
        playground.add_unit_button.click()
    assert playground.session.model.sizes == [4, 8, 1]
    playground.layer.value = 0
    for _ in range(10):
        playground.remove_unit_button.click()
    assert playground.session.model.sizes == [1, 8, 1]


def test_a_learning_rate_too_large_stops_play_with_a_message():
    config = nn.data.PlaygroundConfig(learning_rate=3.0, activation="linear", problem="regression")
    p = viz.Playground(config, points=100)
    before = weights(p.session.model)
    p.play()
    p._thread.join(timeout=10)
    assert not p.playing and p.play_button.description == "Play"
    assert "Training stopped" in p.message.value and "overflows" in p.message.value
    assert np.isfinite(weights(p.session.model)).all() and not np.array_equal(
        weights(p.session.model), before
    )


def test_the_loss_view_shows_the_latest_losses(playground):
    playground.step()
    assert f"{playground.session.train_loss[-1]:.3f}" in playground.losses.value


def test_the_numpy_pictures_agree_with_the_model():
    session = Session(points=50)
    X = session.inputs_train[:7]
    np.testing.assert_allclose(
        session.unit_outputs(X)[-1][:, 0], session.model.predict(X), rtol=1e-12, atol=1e-12
    )
    layer0 = session.unit_outputs(X)[0][:, 1]
    expected = [session.model.layers[0].neurons[1](list(row)).data for row in X]
    np.testing.assert_allclose(layer0, expected, rtol=1e-12)


def test_a_units_graph_has_its_gradients_for_the_chosen_example(playground):
    playground.unit.value = 0  # layer 1, unit 1: h = tanh(w0 x1 + w1 x2 + b)
    playground.example.value = 3
    out = playground.unit_value()
    x1, x2 = playground.session.inputs_train[3]
    neuron = playground.session.model.layers[0].neurons[0]
    s = neuron.w[0].data * x1 + neuron.w[1].data * x2 + neuron.b.data
    assert out.data == pytest.approx(np.tanh(s))
    assert neuron.w[0].grad == pytest.approx((1 - np.tanh(s) ** 2) * x1)
    assert neuron.b.grad == pytest.approx(1 - np.tanh(s) ** 2)


def test_from_url_sets_up_the_link_and_to_url_gives_it_back():
    p = viz.Playground.from_url(LINK, points=100)
    assert p.session.config.dataset == "xor"
    assert p.session.model.sizes == [3, 1]
    assert p.dataset.value == "xor" and p.activation.value == "relu" and p.show_test.value
    assert p.features.value == ("x1", "x2", "x1_x2")
    assert p.to_url() == LINK


def test_without_ipywidgets_the_error_names_what_is_missing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="ipywidgets") as error:
        viz.Playground()
    assert "pip install" in str(error.value)
    assert isinstance(error.value, viz.live.DisplayUnavailable)


def test_the_measured_loss_is_nn_binary_cross_entropy():
    session = Session(points=40)
    X, y = session.inputs_train, session.y_train
    expected = nn.binary_cross_entropy(session.model.forward_batch(X), list(y)).data
    assert session.loss_on(X, y) == pytest.approx(expected, rel=1e-12)


def test_l1_adds_rate_times_the_sign_of_each_weight_and_leaves_biases():
    config = nn.data.PlaygroundConfig(regularization="L1", regularization_rate=0.5)
    session = Session(config, points=20)
    session.model.zero_grad()
    session.add_penalty_gradient()
    for name, p in session.model.named_parameters():
        expected = 0.5 * np.sign(p.data) if ".w." in name else 0.0
        assert p.grad == expected, name
