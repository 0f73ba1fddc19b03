"""Neuron, Layer and MLP: what they compute, how their graphs look, names, scopes, inits, inputs."""

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Constant, Parameter, Value


def set_weights(neuron, w, b):
    for p, x in zip(neuron.w, w):
        p.data = x
    neuron.b.data = b


def test_parameter_names_are_dotted_paths_and_each_parameter_is_labelled_with_its_name():
    model = nn.MLP(2, [3, 1], seed=0)
    expected = [
        f"layers.{i}.neurons.{j}.{p}"
        for i, (nin, nout) in enumerate([(2, 3), (3, 1)])
        for j in range(nout)
        for p in [*(f"w.{k}" for k in range(nin)), "b"]
    ]
    names = [name for name, _ in model.named_parameters()]
    assert names == expected
    assert [p.label for p in model.parameters()] == expected
    assert all(type(p) is Parameter for p in model.parameters())


def test_a_standalone_neuron_names_its_weights_w_i_and_its_bias_b():
    neuron = nn.Neuron(3, seed=0)
    assert [p.label for p in neuron.parameters()] == ["w.0", "w.1", "w.2", "b"]


def test_neuron_computes_activation_of_bias_plus_weighted_sum():
    neuron = nn.Neuron(2, activation="tanh")
    set_weights(neuron, [0.5, -1.5], 0.25)
    h = neuron([2.0, 3.0])
    assert isinstance(h, Value)
    assert h.data == pytest.approx(math.tanh(0.25 + 0.5 * 2.0 - 1.5 * 3.0), abs=1e-15)


def test_neuron_graph_is_one_sum_node_with_the_bias_first_then_the_products():
    neuron = nn.Neuron(2, activation="relu")
    set_weights(neuron, [0.5, 1.5], 0.25)
    h = neuron([2.0, 3.0])
    assert h.op == "relu"
    (s,) = h.parents
    assert s.op == "sum" and len(s.parents) == 3
    assert s.parents[0] is neuron.b
    for product, w, x in zip(s.parents[1:], neuron.w, [2.0, 3.0]):
        assert product.op == "mul"
        assert product.parents[0] is w
        assert type(product.parents[1]) is Constant and product.parents[1].data == x


def test_only_parameters_carry_labels_in_a_network_graph():
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=1)
    out = model([0.3, -0.7])[0]
    labelled = [v for v in autograd.topological_order(out) if v.label]
    assert labelled and all(isinstance(v, Parameter) for v in labelled)


def test_linear_activation_adds_no_node():
    neuron = nn.Neuron(2, activation="linear")
    assert neuron([1.0, 2.0]).op == "sum"


def test_neuron_gradients_match_the_hand_derived_rule():
    neuron = nn.Neuron(2, activation="tanh")
    set_weights(neuron, [0.5, -1.5], 0.25)
    x = [2.0, 3.0]
    h = neuron(x)
    h.backward()
    local = 1.0 - h.data**2  # d tanh(s)/ds
    assert [w.grad for w in neuron.w] == pytest.approx([local * x[0], local * x[1]], rel=1e-12)
    assert neuron.b.grad == pytest.approx(local, rel=1e-12)


def test_neuron_passes_gradcheck_with_respect_to_its_inputs():
    neuron = nn.Neuron(3, activation="softplus", seed=3)
    assert autograd.gradcheck(lambda a, b, c: neuron([a, b, c]), [0.3, -1.2, 2.0])


def test_neuron_without_bias_sums_only_the_products():
    neuron = nn.Neuron(2, activation="linear", bias=False, seed=0)
    assert neuron.b is None and len(neuron.parameters()) == 2
    s = neuron([1.0, 2.0])
    assert len(s.parents) == 2 and all(p.op == "mul" for p in s.parents)


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
def test_every_activation_by_name_is_applied_to_the_sum(activation):
    neuron = nn.Neuron(2, activation=activation)
    set_weights(neuron, [0.5, -1.0], 0.1)
    s = 0.1 + 0.5 * 1.0 - 1.0 * 0.5
    expected = {
        "linear": s,
        "sigmoid": 1 / (1 + math.exp(-s)),
        "tanh": math.tanh(s),
        "relu": max(s, 0.0),
        "leaky_relu": s if s > 0 else 0.01 * s,
        "softplus": math.log1p(math.exp(s)),
        "elu": s if s > 0 else math.expm1(s),
    }[activation]
    assert neuron([1.0, 0.5]).data == pytest.approx(expected, rel=1e-12)


def test_layer_always_returns_a_list_even_with_one_neuron():
    out = nn.Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)


def test_mlp_output_is_a_list_of_nout_values_and_layers_chain():
    model = nn.MLP(3, [5, 4, 2], seed=0)
    assert model.nin == 3 and model.sizes == [5, 4, 2] and model.nout == 2
    assert [(layer.nin, layer.nout) for layer in model.layers] == [(3, 5), (5, 4), (4, 2)]
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    x = [0.1, -0.2, 0.3]
    h = x
    for layer in model.layers:
        h = [v.data for v in layer(h)]
    assert [v.data for v in model(x)] == h


def test_each_node_is_made_inside_its_neuron_scope_nested_in_its_layer_scope():
    model = nn.MLP(2, [3, 1], seed=0)
    (out,) = model([1.0, 2.0])
    assert out.scope.name == "layers.1.neurons.0" and out.scope.kind == "neuron"
    assert out.scope.parent.name == "layers.1" and out.scope.parent.kind == "layer"
    assert out.scope.parent.parent is None
    hidden = [v for v in autograd.topological_order(out) if v.op == "relu"]
    assert sorted(v.scope.name for v in hidden) == [f"layers.0.neurons.{j}" for j in range(3)]
    assert {v.scope.parent.name for v in hidden} == {"layers.0"}


def test_labelled_value_inputs_are_kept_and_receive_gradients():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    x1, x2 = Value(0.5, label="x1"), Value(-1.0, label="x2")
    (out,) = model([x1, x2])
    out.backward()
    nodes = autograd.topological_order(out)
    assert any(v is x1 for v in nodes) and any(v is x2 for v in nodes)
    assert x1.grad != 0.0 and x2.grad != 0.0


def test_wrong_input_width_names_expected_and_actual():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="expects 2 inputs per example, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"shape \(n, 2\), got an array of shape \(4, 3\)"):
        model.forward_batch(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        model.predict(np.zeros((4, 1)))


def test_a_batch_given_as_one_example_gets_a_hint():
    with pytest.raises(ValueError, match="forward_batch or predict"):
        nn.MLP(2, [1], seed=0)(np.zeros((5, 2)))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_inputs_raise(bad):
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="finite"):
        model([1.0, bad])
    X = np.zeros((3, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="row 2, column 1"):
        model.forward_batch(X)
    with pytest.raises(ValueError, match="finite"):
        model.predict(X)


def test_inputs_that_are_not_numbers_raise_a_type_error():
    with pytest.raises(TypeError, match="number or a Value"):
        nn.MLP(2, [1], seed=0)([1.0, "2"])


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(
        ValueError, match="unknown activation 'swish'; expected one of: linear, sigmoid, tanh"
    ):
        nn.MLP(2, [1], activation="swish")
    with pytest.raises(ValueError, match="relu, leaky_relu, softplus, elu"):
        nn.Neuron(2, activation="gelu")


def test_unknown_init_lists_the_valid_names():
    with pytest.raises(
        ValueError, match="unknown init 'he'; expected one of: kaiming, xavier, uniform, zeros"
    ):
        nn.MLP(2, [1], init="he")


@pytest.mark.parametrize("sizes", [[], [0], [3, -1], [2.5]])
def test_bad_layer_sizes_raise(sizes):
    with pytest.raises(ValueError):
        nn.MLP(2, sizes)


def test_the_same_seed_gives_the_same_network_and_another_seed_another():
    a, b, c = nn.MLP(2, [8, 1], seed=5), nn.MLP(2, [8, 1], seed=5), nn.MLP(2, [8, 1], seed=6)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()


@pytest.mark.parametrize(
    ("init", "std"),
    [("kaiming", math.sqrt(2 / 400)), ("xavier", math.sqrt(2 / (400 + 100))), ("uniform", 1 / math.sqrt(3))],
)
def test_inits_draw_weights_with_their_rule_s_spread_and_biases_start_at_zero(init, std):
    layer = nn.Layer(400, 100, init=init, seed=0)
    w = np.array([p.data for n in layer.neurons for p in n.w])
    assert abs(w.mean()) < 0.1 * std
    assert w.std() == pytest.approx(std, rel=0.02)
    assert all(n.b.data == 0.0 for n in layer.neurons)
    if init == "uniform":
        assert w.min() >= -1.0 and w.max() <= 1.0


def test_zeros_init_makes_every_weight_zero():
    assert all(p.data == 0.0 for p in nn.MLP(3, [4, 1], init="zeros").parameters())


def test_init_can_be_a_function_of_fan_in_fan_out_rng_and_size():
    model = nn.MLP(2, [3], init=lambda fan_in, fan_out, rng, size: np.full(size, fan_in + 10 * fan_out))
    assert {p.data for n in model.layers[0].neurons for p in n.w} == {32.0}


def test_predict_gives_numbers_of_shape_n_for_one_output_and_n_k_for_several():
    X = np.random.default_rng(0).normal(size=(7, 2))
    one, three = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 3], seed=0)
    assert one.predict(X).shape == (7,)
    assert three.predict(X).shape == (7, 3)
    assert one.predict(X)[4] == pytest.approx(one(X[4])[0].data, rel=1e-13)  # predict runs on the tape


def test_a_one_input_model_accepts_a_flat_batch():
    model = nn.MLP(1, [3, 1], seed=0)
    xs = [0.5, -1.0, 2.0]
    assert model.predict(np.array(xs)) == pytest.approx([model([x])[0].data for x in xs], rel=1e-13)
    assert [o[0].data for o in model.forward_batch(xs)] == [model([x])[0].data for x in xs]
