"""The bridge to PyTorch: same outputs, gradients and running statistics as torch (float64, 1e-12),
exact round trips, the names of the documented table, clear errors, and torch as an optional extra.

The torch side of every check is written here by hand (the layers' tensors reached by the
documented names, the losses with torch's own functions), not taken from the bridge.
"""

import re
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nn

TOL = 1e-12
RNG = np.random.default_rng(0)
X = RNG.normal(0.0, 1.5, size=(8, 3))
Y_REG = RNG.normal(size=8)
Y_BIN = np.array([0, 1, 1, 0, 1, 0, 0, 1])


def element(module, name):
    """The torch tensor and index holding our parameter or buffer ``name`` (the docstring's table)."""
    parts, row = name.split("."), 0
    while True:
        head = parts[0]
        if head == "layers":
            module, parts = module.layers[int(parts[1])], parts[2:]
        elif head in ("block", "batchnorm"):
            module, parts = getattr(module, head), parts[1:]
        elif head == "neurons":
            row, parts = int(parts[1]), parts[2:]
        elif head == "w":
            return module.linear.weight, (row, int(parts[1]))
        elif head == "b":
            return module.linear.bias, (row,)
        else:
            tensor = {"gamma": "weight", "beta": "bias"}.get(head, head)
            return getattr(module, tensor), (int(parts[1]),)


def mse_by_hand(out, y):
    return ((out - y.reshape(out.shape[0], -1)) ** 2).mean()


def run_both(model, X, y, our_loss=nn.mse, torch_loss=mse_by_hand):
    """One forward and backward pass in nn and in torch; asserts outputs, loss and gradients agree."""
    module = nn.to_torch(model)
    model.zero_grad()
    outputs = model.forward_batch(X)
    loss = our_loss(outputs, y)
    loss.backward()
    torch_out = module(torch.tensor(X))
    torch_value = torch_loss(torch_out, torch.tensor(np.asarray(y, dtype=float)))
    torch_value.backward()
    ours = np.array([[o.data for o in row] for row in outputs])
    assert torch_out.dtype == torch.float64
    assert np.abs(ours - torch_out.detach().numpy()).max() <= TOL
    assert abs(loss.data - torch_value.item()) <= TOL
    for name, p in model.named_parameters():
        tensor, index = element(module, name)
        assert abs(p.grad - tensor.grad[index].item()) <= TOL, name
    return module


# ----- every model kind -----


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
def test_an_mlp_with_each_activation_gives_torchs_outputs_and_gradients(activation):
    model = nn.MLP(3, [4, 3, 2], activation=activation, output_activation=activation, seed=1)
    run_both(model, X, np.stack([Y_REG, -Y_REG], axis=1))


def test_activations_use_nns_settings_in_torch():
    model = nn.MLP(3, [2, 1], activation="leaky_relu", output_activation="elu", seed=0)
    module = nn.to_torch(model)
    assert module.layers[0].activation.negative_slope == 0.01  # autograd.leaky_relu's default slope
    assert module.layers[1].activation.alpha == 1.0  # autograd.elu's default alpha
    assert isinstance(nn.to_torch(nn.Layer(2, 2, activation="linear")).activation, torch.nn.Identity)


def test_softplus_agrees_where_torchs_default_threshold_would_not():
    # At s = 25, log(1 + e^s) = 25 + 1.4e-11: torch's default Softplus (threshold 20) returns 25.
    neuron = nn.Neuron(1, activation="softplus", seed=0)
    neuron.w[0].data, neuron.b.data = 1.0, 0.0
    x = np.array([[25.0], [-3.0], [0.5]])
    run_both(neuron, x, np.zeros(3))
    assert (
        abs(torch.nn.Softplus()(torch.tensor(25.0, dtype=torch.float64)).item() - neuron([25.0]).data) > 1e-11
    )


def test_a_neuron_a_layer_and_a_residual_block_give_torchs_numbers():
    run_both(nn.Neuron(3, activation="tanh", seed=2), X, Y_REG)
    run_both(nn.Neuron(3, activation="sigmoid", bias=False, seed=3), X, Y_REG)
    run_both(nn.Layer(3, 3, activation="elu", residual=True, seed=4), X, np.stack([Y_REG] * 3, axis=1))
    run_both(nn.Residual(nn.MLP(3, [5, 3], activation="tanh", seed=5)), X, np.stack([Y_REG] * 3, axis=1))


def test_an_mlp_with_residual_layers_gives_torchs_numbers():
    model = nn.MLP(3, [4, 4, 4, 1], activation="relu", residual=True, seed=6)
    assert [layer.residual for layer in nn.to_torch(model).layers] == [False, True, True, False]
    run_both(model, X, Y_REG)


def test_batchnorm_in_training_mode_gives_torchs_gradients_and_running_statistics():
    model = nn.MLP(3, [4, 4, 1], activation="tanh", batchnorm=True, seed=7)
    module = run_both(model, X, Y_REG)
    for i in (0, 1):
        ours, theirs = model.layers[i].batchnorm, module.layers[i].batchnorm
        assert np.abs(np.array(ours.running_mean) - theirs.running_mean.numpy()).max() <= TOL
        assert np.abs(np.array(ours.running_var) - theirs.running_var.numpy()).max() <= TOL


def test_batchnorm_in_evaluation_mode_uses_the_same_running_statistics():
    model = nn.MLP(3, [4, 4, 1], activation="relu", batchnorm=True, residual=True, seed=8)
    for _ in range(3):
        model.forward_batch(X * 2.0 + 1.0)  # running statistics move away from 0 and 1
    model.eval()
    module = run_both(model, X, Y_REG)
    assert not module.training and not module.layers[0].batchnorm.training
    assert (
        module.layers[0].batchnorm.running_mean[0].item() == model.layers[0].batchnorm.running_mean[0] != 0.0
    )


def test_a_standalone_batchnorm_is_torchs_batchnorm1d():
    bn = nn.BatchNorm(3, eps=1e-3, momentum=0.2)
    bn.gamma[1].data, bn.beta[2].data = 2.0, -0.5
    module = run_both(bn, X, np.stack([Y_REG] * 3, axis=1))
    assert type(module) is torch.nn.BatchNorm1d and module.eps == 1e-3 and module.momentum == 0.2
    assert np.abs(np.array(bn.running_var) - module.running_var.numpy()).max() <= TOL


# ----- every loss with a torch counterpart -----


def hinge_by_hand(out, y):
    return torch.relu(1.0 - (2.0 * y - 1.0) * out[:, 0]).mean()


LOSS_CASES = {
    "mse": (1, Y_REG, mse_by_hand),
    "bce": (1, Y_BIN, lambda out, y: F.binary_cross_entropy_with_logits(out[:, 0], y)),
    "cross_entropy": (3, np.array([0, 2, 1, 1, 0, 2, 2, 1]), lambda out, y: F.cross_entropy(out, y.long())),
    "hinge": (1, Y_BIN, hinge_by_hand),
}


def test_every_loss_of_nn_has_a_case_here():
    assert set(LOSS_CASES) == set(nn.LOSSES)


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_each_loss_gives_torchs_value_and_gradients(name):
    nout, y, torch_loss = LOSS_CASES[name]
    model = nn.MLP(3, [5, nout], activation="tanh", seed=9)
    run_both(model, X, y, nn.LOSSES[name], torch_loss)


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_compare_with_torch_finds_the_same_numbers_for_each_loss(name):
    nout, y, _ = LOSS_CASES[name]
    result = nn.compare_with_torch(nn.MLP(3, [4, nout], seed=10), X, y, name, show=False)
    assert result.max_difference <= TOL
    assert result.max_gradient_difference <= TOL and result.max_output_difference <= TOL


# ----- compare_with_torch -----


def test_compare_with_torch_prints_every_gradient_side_by_side(capsys):
    model = nn.MLP(3, [4, 1], activation="tanh", batchnorm=False, seed=11)
    result = nn.compare_with_torch(model, X, Y_BIN, "bce", rows_shown=2)
    printed = capsys.readouterr().out
    assert [row.name for row in result.gradients] == [name for name, _ in model.named_parameters()]
    assert result.gradients[1].torch_name == "layers.0.linear.weight[0, 1]"
    assert "layers.0.neurons.0.w.1" in printed and "layers.0.linear.weight[0, 1]" in printed
    assert "example 1" in printed and "example 2" not in printed
    assert re.search(r"largest difference: \d\.\de-1[5-9]", printed)
    assert result.outputs.shape == result.torch_outputs.shape == (8, 1)


def test_compare_with_torch_shows_a_difference_when_there_is_one():
    def twice_the_loss(out, y):
        return 2.0 * F.binary_cross_entropy_with_logits(out[:, 0], y)

    result = nn.compare_with_torch(
        nn.MLP(3, [4, 1], seed=12), X, Y_BIN, "bce", torch_loss=twice_the_loss, show=False
    )
    assert result.max_output_difference <= TOL
    assert result.max_gradient_difference > 1e-3
    assert result.max_difference == pytest.approx(result.torch_loss - result.loss)


def test_compare_with_torch_leaves_the_model_as_it_was():
    model = nn.MLP(3, [4, 1], batchnorm=True, seed=13)
    before = model.state_dict()
    model.parameters()[0].grad = 0.25
    nn.compare_with_torch(model, X, Y_REG, "mse", show=False)
    assert model.state_dict() == before
    assert model.parameters()[0].grad == 0.25 and model.parameters()[1].grad == 0.0


def test_compare_with_torch_takes_a_one_input_batch_as_nn_does():
    x = np.linspace(-2.0, 2.0, 7)  # shape (n,), not (n, 1)
    result = nn.compare_with_torch(nn.MLP(1, [3, 1], activation="tanh", seed=20), x, np.sin(x), show=False)
    assert result.max_difference <= TOL and result.outputs.shape == (7, 1)


def test_compare_with_torch_names_the_losses_it_knows():
    with pytest.raises(ValueError, match="mse, bce, cross_entropy, hinge.*got 'l1'"):
        nn.compare_with_torch(nn.MLP(3, [1], seed=0), X, Y_REG, "l1", show=False)


def test_viz_exposes_the_same_comparison():
    import viz

    assert viz.compare_with_torch is nn.compare_with_torch


# ----- a trained model, exported -----


def test_a_model_trained_here_keeps_its_predictions_in_torch():
    X_train, y_train = nn.data.circle(n=80, noise=0.05, seed=0)
    model = nn.MLP(2, [6, 1], activation="tanh", seed=0)
    nn.fit(model, X_train, y_train, loss="bce", optimizer="adam", lr=0.05, epochs=60, progress=False)
    ours = model.predict(X_train) > 0
    module = nn.to_torch(model).eval()
    with torch.no_grad():
        theirs = (module(torch.tensor(X_train)) > 0).numpy()[:, 0]
    assert (ours == y_train).mean() >= 0.9  # it did learn
    assert np.array_equal(ours, theirs)


# ----- names and round trips -----


def models():
    bn = nn.MLP(3, [4, 4, 1], batchnorm=True, residual=True, seed=14)
    bn.forward_batch(X)  # running statistics away from 0 and 1
    return {
        "mlp": nn.MLP(3, [5, 3], activation="softplus", output_activation="sigmoid", seed=15),
        "mlp with batchnorm and residual, in eval mode": bn.eval(),
        "layer": nn.Layer(3, 2, activation="leaky_relu", seed=16),
        "layer with batchnorm": nn.Layer(3, 3, activation="elu", batchnorm=True, residual=True, seed=17),
        "neuron without bias": nn.Neuron(3, activation="relu", bias=False, seed=18),
        "batchnorm": nn.BatchNorm(2, eps=1e-4, momentum=0.3),
        "residual around an mlp": nn.Residual(nn.MLP(3, [4, 3], seed=19)),
    }


@pytest.mark.parametrize("name", sorted(models()))
def test_the_name_table_maps_one_to_one(name):
    model = models()[name]
    module = nn.to_torch(model)
    names = nn.torch_bridge.torch_names(model)
    state = model.state_dict()
    assert sorted(names) == sorted(state)
    assert len(set(names.values())) == len(names)
    tensors = {**dict(module.named_parameters()), **dict(module.named_buffers())}
    counted = sum(t.numel() for k, t in tensors.items() if not k.endswith("num_batches_tracked"))
    assert counted == len(names)  # and so every torch number is one of ours
    for ours, theirs in names.items():
        tensor, index = element(module, ours)
        tensor_name, index_text = re.fullmatch(r"([\w.]+)\[([\d, ]+)\]", theirs).groups()
        assert tensors[tensor_name] is tensor
        assert tuple(int(i) for i in index_text.split(", ")) == index
        assert tensor[index].item() == state[ours]


@pytest.mark.parametrize("name", sorted(models()))
def test_the_round_trip_is_exact(name):
    model = models()[name]
    back = nn.from_torch(nn.to_torch(model))
    assert type(back) is type(model)
    assert back.state_dict() == model.state_dict()  # bit for bit: float64 both ways
    assert back.training == model.training
    assert architecture(back.spec()) == architecture(model.spec())


def architecture(spec):
    """A module's spec without how its weights were first drawn (init, seed): torch does not keep that."""
    if isinstance(spec, dict):
        return {k: architecture(v) for k, v in spec.items() if k not in ("init", "seed")}
    return spec


# ----- from a plain torch Sequential -----


def plain(*modules):
    torch.manual_seed(0)
    return torch.nn.Sequential(*modules).double()


@pytest.mark.parametrize("training", [True, False])
def test_a_plain_sequential_becomes_an_mlp(training):
    sequential = plain(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ELU(), torch.nn.Linear(4, 4),
        torch.nn.BatchNorm1d(4), torch.nn.ELU(), torch.nn.Linear(4, 2), torch.nn.Sigmoid(),
    )  # fmt: skip
    with torch.no_grad():
        sequential(torch.tensor(X) + 1.0)  # running statistics and biases that matter in eval mode
    sequential.train(training)
    model = nn.from_torch(sequential)
    assert model.config()["sizes"] == [4, 4, 2] and model.config()["batchnorm"] is True
    assert model.training is training and model.output_activation == "sigmoid"
    ours = np.array([[o.data for o in row] for row in model.forward_batch(X)])
    assert np.abs(ours - sequential(torch.tensor(X)).detach().numpy()).max() <= TOL


def test_a_float32_sequential_is_read_exactly():
    sequential = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
    model = nn.from_torch(sequential)
    assert model.layers[0].neurons[1].w[2].data == sequential[0].weight[1, 2].item()
    assert model.config()["activation"] == "tanh" and model.output_activation == "linear"


@pytest.mark.parametrize(
    "modules, where, what",
    [
        (
            [torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(4, 1)],
            "'2'",
            "Dropout",
        ),
        ([torch.nn.Linear(3, 4), torch.nn.GELU(), torch.nn.Linear(4, 1)], "'1'", "GELU"),
        (
            [
                torch.nn.Linear(3, 4),
                torch.nn.Tanh(),
                torch.nn.Linear(4, 4),
                torch.nn.ReLU(),
                torch.nn.Linear(4, 1),
            ],
            "'3'",
            "ReLU",
        ),
        ([torch.nn.Linear(3, 4), torch.nn.LeakyReLU(0.2), torch.nn.Linear(4, 1)], "'1'", "slope=0.01"),
        (
            [torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4, momentum=None), torch.nn.Linear(4, 1)],
            "'1'",
            "momentum",
        ),
        ([torch.nn.Linear(3, 4), torch.nn.Linear(5, 1)], "'1'", "reads 5 inputs"),
        (
            [torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4), torch.nn.Linear(4, 1)],
            "'2'",
            "Linear.*activation='linear'",
        ),
        (
            [torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 4), torch.nn.Linear(4, 1)],
            "'2'",
            "Linear.*batchnorm=False",
        ),
        ([torch.nn.Linear(3, 4, bias=False), torch.nn.Tanh(), torch.nn.Linear(4, 1)], "'0'", "bias=False"),
    ],
)
def test_from_torch_names_the_first_module_it_cannot_represent(modules, where, what):
    with pytest.raises(ValueError, match=rf"cannot represent {where} \(torch\.nn\.\w*.*{what}"):
        nn.from_torch(torch.nn.Sequential(*modules))


def test_the_error_gives_the_full_path_of_a_nested_module():
    module = nn.to_torch(nn.Residual(nn.Layer(3, 3, seed=0)))
    module.block.activation = torch.nn.Hardtanh()
    with pytest.raises(ValueError, match=r"'block\.activation' \(torch\.nn\.Hardtanh\)"):
        nn.from_torch(module)
    with pytest.raises(ValueError, match=r"the top-level module \(torch\.nn\.Conv1d\)"):
        nn.from_torch(torch.nn.Conv1d(1, 1, 3))


def test_a_residual_block_must_keep_the_width():
    module = nn.to_torch(nn.Residual(nn.Layer(3, 3, seed=0)))
    module.block = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh())
    with pytest.raises(ValueError, match=r"'block' \(torch\.nn\.Sequential\).*nin == nout, got 3 and 2"):
        nn.from_torch(module)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="nn.to_torch needs an nn Module.*got Linear"):
        nn.to_torch(torch.nn.Linear(2, 1))
    with pytest.raises(TypeError, match="nn.from_torch needs a torch.nn.Module.*got MLP"):
        nn.from_torch(nn.MLP(2, [1]))


# ----- torch is optional -----


@pytest.mark.parametrize("call", ["to_torch", "from_torch", "compare_with_torch"])
def test_without_torch_each_function_says_how_to_install_it(call, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    model = nn.MLP(3, [1], seed=0)
    args = {"to_torch": (model,), "from_torch": (model,), "compare_with_torch": (model, X, Y_REG)}[call]
    with pytest.raises(ImportError, match=r"pip install 'backprop-lab\[torch\]'"):
        getattr(nn, call)(*args)


def test_importing_nn_and_viz_does_not_import_torch():
    import subprocess

    code = "import sys, nn, viz; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
