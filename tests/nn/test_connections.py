"""Highway and DenseBlock beside Residual, and MLP(connections=...): values, gradients, saving, the tape."""

import numpy as np
import pytest

import autograd
import nn

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.4], [-0.7, 0.8, 0.1], [0.2, 2.0, -1.3]])
X2 = np.array([[0.3, -0.8], [1.1, 0.4], [-0.6, 0.9], [0.2, -1.5], [-1.0, -0.2], [0.8, 1.2]])
LABELS = np.array([0, 1, 1, 0, 1, 0])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def dense(layer, A):
    """A layer's output over the rows of A, in numpy."""
    s = A @ layer.weight_matrix().T + layer.bias_vector()
    return {"tanh": np.tanh, "sigmoid": sigmoid, "linear": lambda z: z}[layer.activation](s)


def test_highway_is_t_h_plus_one_minus_t_x():
    highway = nn.Highway(nn.Layer(3, 3, activation="tanh", seed=0), seed=1)
    T = dense(highway.gate, X)
    expected = T * dense(highway.layer, X) + (1.0 - T) * X
    np.testing.assert_allclose(highway.predict(X), expected, rtol=1e-13)


def test_the_highway_gate_starts_closer_to_carrying_x():
    highway = nn.Highway(nn.Layer(3, 3, seed=0), seed=1)
    assert highway.gate.bias_vector().tolist() == [nn.layers.HIGHWAY_GATE_BIAS] * 3 == [-1.0] * 3


def test_highway_gradients_pass_gradcheck_in_the_inputs_and_the_parameters():
    highway = nn.Highway(nn.Layer(3, 3, activation="tanh", seed=0), seed=1)
    assert autograd.gradcheck(lambda *x: autograd.sum(highway(list(x))), X[0])
    params = highway.parameters()

    def loss_at(values):
        for p, v in zip(params, values):
            p.data = v
        return nn.mse(highway.forward_batch(X), np.zeros((4, 3)))

    start = [p.data for p in params]
    analytic = autograd.grad(loss_at(start), params)
    numeric = autograd.numeric_grad(lambda *v: loss_at(v), start)
    np.testing.assert_allclose(analytic, numeric, atol=1e-8)


def test_highway_nodes_are_in_a_highway_scope():
    highway = nn.Highway(nn.Layer(3, 3, seed=0), seed=1)
    out = highway(X[0].tolist())[0]
    assert out.scope.kind == "highway" and out.scope.name == "highway"


def test_dense_block_outputs_the_input_and_every_layer_s_output():
    first, second = nn.Layer(3, 2, activation="tanh", seed=0), nn.Layer(5, 4, activation="tanh", seed=1)
    block = nn.DenseBlock([first, second])
    assert (block.nin, block.nout) == (3, 9)
    h1 = dense(first, X)
    h2 = dense(second, np.hstack([X, h1]))
    np.testing.assert_allclose(block.predict(X), np.hstack([X, h1, h2]), rtol=1e-13)


def test_dense_block_gradients_pass_gradcheck():
    layers = [nn.Layer(3, 2, activation="tanh", seed=0), nn.Layer(5, 2, activation="tanh", seed=1)]
    block = nn.DenseBlock(layers)
    assert autograd.gradcheck(lambda *x: autograd.sum(block(list(x))), X[1])


def test_dense_block_names_a_layer_with_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match=r"layers\[1\] must read 5 inputs .* but it has nin=2"):
        nn.DenseBlock([nn.Layer(3, 2), nn.Layer(2, 2)])


def test_highway_names_a_layer_that_changes_width():
    with pytest.raises(ValueError, match="Highway needs a layer with nin == nout, got 3 and 2"):
        nn.Highway(nn.Layer(3, 2))


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Highway(nn.Layer(3, 3, activation="tanh", seed=0), seed=1),
        lambda: nn.DenseBlock([nn.Layer(3, 2, seed=0), nn.Layer(5, 1, seed=1)]),
        lambda: nn.MLP(3, [4, 4, 1], activation="tanh", connections="highway", seed=2),
        lambda: nn.MLP(3, [4, 4, 1], activation="tanh", connections="dense", seed=3),
    ],
    ids=["highway", "dense block", "highway MLP", "dense MLP"],
)
def test_save_and_load_give_back_the_same_model(make, tmp_path):
    model = make()
    model.save(tmp_path / "model.json")
    loaded = nn.load(tmp_path / "model.json")
    assert type(loaded) is type(model) and loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_highway_mlp_gates_the_hidden_layers_of_equal_width():
    model = nn.MLP(2, [4, 4, 4, 1], connections="highway", seed=0)
    assert len(model.gates) == 2 and [g.nin for g in model.gates] == [4, 4]
    plain = nn.MLP(2, [4, 4, 4, 1], seed=0)
    assert [layer.weight_matrix().tolist() for layer in model.layers] == [
        layer.weight_matrix().tolist() for layer in plain.layers
    ]
    assert "gates.1.neurons.3.w.0" in dict(model.named_parameters())


def test_dense_mlp_layers_read_the_inputs_and_every_earlier_layer():
    model = nn.MLP(2, [4, 3, 1], connections="dense", seed=0)
    assert [layer.nin for layer in model.layers] == [2, 6, 9]
    first, second, last = model.layers
    h1 = np.maximum(0.0, X2 @ first.weight_matrix().T + first.bias_vector())
    h2 = np.maximum(0.0, np.hstack([X2, h1]) @ second.weight_matrix().T + second.bias_vector())
    out = np.hstack([X2, h1, h2]) @ last.weight_matrix().T + last.bias_vector()
    np.testing.assert_allclose(model.predict(X2), out[:, 0], rtol=1e-13)


def test_residual_true_still_means_residual_connections():
    old = nn.MLP(2, [4, 4, 1], residual=True, seed=0)
    new = nn.MLP(2, [4, 4, 1], connections="residual", seed=0)
    assert old.config() == new.config()
    assert [layer.residual for layer in old.layers] == [False, True, False]
    np.testing.assert_array_equal(old.predict(X2), new.predict(X2))


def test_a_model_saved_before_connections_existed_still_loads():
    config = nn.MLP(2, [4, 4, 1], residual=True, seed=0).config()
    del config["connections"]
    assert nn.MLP.from_config(config).connections == "residual"


def test_unknown_connections_are_named():
    expected = "unknown connections 'skip'; expected one of: plain, residual, highway, dense"
    with pytest.raises(ValueError, match=expected):
        nn.MLP(2, [4, 1], connections="skip")


def test_residual_true_and_other_connections_conflict():
    with pytest.raises(ValueError, match='residual=True asks for connections="residual"'):
        nn.MLP(2, [4, 1], residual=True, connections="dense")


@pytest.mark.parametrize("connections", ["highway", "dense"])
def test_fit_traces_highway_and_dense_mlps_on_the_tape_with_the_scalar_engine_s_numbers(connections):
    histories = {}
    for engine in ("auto", "scalar"):
        model = nn.MLP(2, [4, 4, 1], activation="tanh", connections=connections, seed=4)
        history = nn.fit(model, X2, LABELS, loss="bce", lr=0.1, epochs=5, progress=False, engine=engine)
        histories[engine] = history
    assert histories["auto"].engine == "tape" and histories["auto"].engine_reason is None
    np.testing.assert_allclose(histories["auto"].loss, histories["scalar"].loss, rtol=1e-10)


def test_gradient_flow_has_a_line_for_every_layer_and_none_for_the_highway_gates():
    # The gates are not layers of the stack from the inputs to the outputs: a gradient-flow
    # plot reads its keys as depth ("layer 1 = next to the inputs"), so they are left out.
    model = nn.MLP(2, [4, 4, 4, 1], activation="tanh", connections="highway", seed=0)
    nn.mse(model.forward_batch(X2), LABELS).backward()
    flow = nn.gradient_flow(model)
    assert list(flow) == ["layers.0", "layers.1", "layers.2", "layers.3"]
    layer_weights = [w for n in model.layers[1].neurons for w in n.w]
    assert flow["layers.1"] == pytest.approx(np.mean([abs(w.grad) for w in layer_weights]), rel=1e-12)
    assert all(v > 0 for v in flow.values())
    assert np.abs(model.gates[0].weight_matrix(grad=True)).mean() > 0  # the gates' own, where they are
