"""A layer as matrices: s = W x + b, and dL/dW = delta x^T from the engine's own gradients."""

import numpy as np
import pytest

import autograd
import nn

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.4], [-0.7, 0.8, 0.1], [0.2, 2.0, -1.3]])
T = np.array([[1.0, -0.5], [0.0, 0.3], [0.7, 0.2], [-1.0, 1.0]])


def test_weight_matrix_and_bias_vector_give_the_layer_s_sums():
    layer = nn.Layer(3, 2, activation="linear", seed=0)
    for k, p in enumerate(layer.parameters()):
        p.data = 0.1 * (k + 1)
    W, b = layer.weight_matrix(), layer.bias_vector()
    assert W.shape == (2, 3) and b.shape == (2,)
    assert W[1, 2] == layer.neurons[1].w[2].data and b[0] == layer.neurons[0].b.data
    np.testing.assert_allclose(layer.predict(X), X @ W.T + b, rtol=0, atol=1e-14)


def test_the_weight_gradient_is_delta_times_x_transposed_with_the_engine_s_deltas():
    # Linear activation: s = h, so delta = dL/ds is the engine's gradient at the outputs.
    layer = nn.Layer(3, 2, activation="linear", seed=1)
    outputs = layer.forward_batch(X)
    loss = nn.mse(outputs, T)
    deltas = np.array(autograd.grad(loss, [h for row in outputs for h in row])).reshape(len(X), 2)
    loss.backward()
    np.testing.assert_allclose(layer.weight_matrix(grad=True), deltas.T @ X, rtol=0, atol=1e-14)
    np.testing.assert_allclose(layer.bias_vector(grad=True), deltas.sum(axis=0), rtol=0, atol=1e-14)


def test_the_weight_gradient_of_a_tanh_layer_is_delta_x_transposed_by_hand():
    layer = nn.Layer(3, 2, activation="tanh", seed=2)
    layer.zero_grad()
    nn.mse(layer.forward_batch(X), T).backward()
    H = np.tanh(X @ layer.weight_matrix().T + layer.bias_vector())
    delta = 2.0 / H.size * (H - T) * (1.0 - H**2)  # dL/dh * tanh'(s)
    np.testing.assert_allclose(layer.weight_matrix(grad=True), delta.T @ X, rtol=1e-12, atol=1e-15)


def test_bias_vector_of_a_layer_without_biases_says_why():
    with pytest.raises(ValueError, match="has no biases: it was made with bias=False"):
        nn.Layer(3, 2, bias=False).bias_vector()


def test_weight_matrix_names_a_bad_grad_argument():
    with pytest.raises(TypeError, match="grad must be True .* or False .*, got 'yes'"):
        nn.Layer(3, 2).weight_matrix(grad="yes")
