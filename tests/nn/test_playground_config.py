"""Playground links: read into a PlaygroundConfig, written back, bad links refused with the key named."""

import warnings

import pytest

import nn

PLAYGROUND = "https://playground.tensorflow.org/#"

# Written by hand from the Playground's parameter names, in its key order.
DEFAULT_LINK = (
    PLAYGROUND + "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false"
    "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
    "&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)
SPIRAL_LINK = (
    PLAYGROUND + "activation=relu&batchSize=30&dataset=spiral&regDataset=reg-plane&learningRate=0.01"
    "&regularization=L2&regularizationRate=0.003&noise=25&networkShape=8,8,6&seed=0.83125"
    "&showTestData=true&discretize=true&percTrainData=70&x=true&y=true&xTimesY=true&xSquared=true"
    "&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false&problem=classification"
    "&initZero=false&hideText=false"
)
REGRESSION_LINK = (
    PLAYGROUND + "activation=linear&batchSize=1&dataset=xor&regDataset=reg-gauss&learningRate=0.3"
    "&regularization=L1&regularizationRate=0.1&noise=5&networkShape=&seed=42&showTestData=false"
    "&discretize=false&percTrainData=10&x=true&y=false&xTimesY=false&xSquared=false&ySquared=false"
    "&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=true&problem=regression&initZero=true"
    "&hideText=true"
)
LECTURE_LINK = (
    PLAYGROUND + "activation=sigmoid&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=3"
    "&regularizationRate=0&noise=10&networkShape=1&seed=7&showTestData=false&discretize=false"
    "&percTrainData=50&x=false&y=false&xTimesY=false&xSquared=false&ySquared=false&cosX=false"
    "&sinX=false&cosY=false&sinY=false&r=true&spiral=true&collectStats=false&problem=classification"
    "&initZero=false&hideText=false&learningRate_hide=true"
)


@pytest.mark.parametrize("link", [DEFAULT_LINK, SPIRAL_LINK, REGRESSION_LINK, LECTURE_LINK])
def test_a_real_link_round_trips_to_the_same_text(link):
    assert nn.data.playground_config(link).to_url() == link


def test_the_default_link_reads_as_the_playground_defaults():
    config = nn.data.playground_config(DEFAULT_LINK)
    assert config == nn.data.PlaygroundConfig(seed="0.12345")
    assert config.features == ("x1", "x2")
    assert config.network_shape == (4, 2)
    assert config.data_set == "circle"


def test_the_spiral_link_reads_every_setting():
    c = nn.data.playground_config(SPIRAL_LINK)
    assert (c.activation, c.batch_size, c.dataset, c.learning_rate) == ("relu", 30, "spiral", 0.01)
    assert (c.regularization, c.regularization_rate) == ("L2", 0.003)
    assert c.noise == pytest.approx(0.25)
    assert c.network_shape == (8, 8, 6)
    assert c.perc_train_data == 70 and c.show_test_data and c.discretize
    assert c.features == ("x1", "x2", "x1_x2", "x1_sq", "x2_sq", "sin_x1", "sin_x2")


def test_the_regression_link_uses_reg_dataset_and_no_hidden_layer():
    c = nn.data.playground_config(REGRESSION_LINK)
    assert c.problem == "regression" and c.data_set == "six_gaussians"
    assert c.network_shape == ()
    assert c.features == ("x1",)
    assert (c.init_zero, c.hide_text, c.collect_stats) == (True, True, True)
    assert c.seed_number == 42


def test_the_lecture_features_and_hidden_controls_are_kept():
    c = nn.data.playground_config(LECTURE_LINK)
    assert c.features == ("r", "spiral")
    assert c.hidden_controls == (("learningRate_hide", True),)


def test_the_part_after_the_hash_alone_is_enough():
    assert nn.data.playground_config(DEFAULT_LINK.split("#")[1]) == nn.data.playground_config(DEFAULT_LINK)


def test_a_short_link_keeps_the_defaults_for_missing_keys():
    c = nn.data.playground_config("#dataset=xor&noise=20")
    assert (c.dataset, c.noise, c.activation, c.batch_size) == ("xor", 0.2, "tanh", 10)


def test_a_text_seed_becomes_the_same_whole_number_every_time():
    a = nn.data.playground_config("#seed=0.12345").seed_number
    assert a == nn.data.playground_config("#seed=0.12345").seed_number
    assert a != nn.data.playground_config("#seed=0.12346").seed_number


def test_an_unknown_key_warns_and_names_it():
    with pytest.warns(UserWarning, match="unknown key 'tutorial'"):
        c = nn.data.playground_config("#tutorial=dataset&dataset=gauss")
    assert c.dataset == "gauss"


def test_known_keys_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.data.playground_config(SPIRAL_LINK)


@pytest.mark.parametrize(
    "query, words",
    [
        ("activation=softmax", ["activation", "relu, tanh, sigmoid, linear", "'softmax'"]),
        ("batchSize=0", ["batchSize", "[1, 30]", "'0'"]),
        ("batchSize=ten", ["batchSize", "whole number", "'ten'"]),
        ("learningRate=-1", ["learningRate", "'-1'"]),
        ("learningRate=nan", ["learningRate", "'nan'"]),
        ("noise=80", ["noise", "[0, 50]", "'80'"]),
        ("networkShape=4,x", ["networkShape", "4,2", "'4,x'"]),
        ("networkShape=4,9", ["networkShape", "1..8", "'4,9'"]),
        ("networkShape=1,1,1,1,1,1,1,1,1", ["networkShape", "at most 8"]),
        ("dataset=moon", ["dataset", "circle", "'moon'"]),
        ("regDataset=plane", ["regDataset", "reg-plane", "'plane'"]),
        ("x=yes", ["x must be true or false", "'yes'"]),
        ("cosX=true", ["cosX", "cosX=false"]),
        ("percTrainData=95", ["percTrainData", "[10, 90]", "'95'"]),
        ("regularization=L3", ["regularization", "none, L1, L2", "'L3'"]),
        ("problem=ranking", ["problem", "classification, regression"]),
        ("x=false&y=false", ["no input feature"]),
        ("dataset=xor&dataset=circle", ["'dataset' is given twice"]),
        ("seed=<script>", ["seed", "'<script>'"]),
        ("activation", ["key=value", "'activation'"]),
    ],
)
def test_a_bad_value_is_a_value_error_naming_key_expected_and_given(query, words):
    with pytest.raises(ValueError) as error:
        nn.data.playground_config("#" + query)
    for word in words:
        assert word in str(error.value)


def test_replace_checks_the_new_values():
    config = nn.data.PlaygroundConfig()
    assert config.replace(learning_rate=0.1).learning_rate == 0.1
    with pytest.raises(ValueError, match="network_shape must be hidden layer widths 1..8"):
        config.replace(network_shape=(4, 20))


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"dataset": "moon"}, ["dataset must be one of circle", "'moon'"]),
        ({"reg_dataset": "circle"}, ["reg_dataset must be one of plane, six_gaussians"]),
        ({"features": ()}, ["features must be some of x1"]),
        ({"features": ("x1", "cos_x1")}, ["features", "cos_x1"]),
        ({"learning_rate": "0.1"}, ["learning_rate must be int or float", "'0.1'"]),
        ({"batch_size": 2.5}, ["batch_size must be int", "2.5"]),
        ({"show_test_data": 1}, ["show_test_data must be bool"]),
        ({"noise": 0.8}, ["noise must be a fraction in [0, 0.5]", "0.8"]),
        ({"activation": "softmax"}, ["activation must be one of relu"]),
    ],
)
def test_a_config_made_in_python_is_checked_too(changes, words):
    with pytest.raises(ValueError) as error:
        nn.data.PlaygroundConfig(**changes)
    for word in words:
        assert word in str(error.value)


def test_lists_are_taken_for_the_shape_and_features():
    config = nn.data.PlaygroundConfig(network_shape=[3, 3], features=["x1", "r"])
    assert config.network_shape == (3, 3) and config.features == ("x1", "r")
    assert hash(config) == hash(nn.data.PlaygroundConfig(network_shape=(3, 3), features=("x1", "r")))
