"""The Playground's state without any widget: data, network, training, one epoch at a time.

``Session(config)`` holds what the Playground shows: the points split into training and
test data, the network, its optimiser and the loss curves. ``step()`` trains one epoch
(mini-batches of ``batch_size``, on the batch tape: ``nn.engines.tape_gradients``), then
measures the training and test loss. The regularisation is the Playground's: after each
batch's gradient, every weight (not the biases) also gets rate * sign(w) (L1) or
rate * w (L2), the gradient of rate * sum |w| or rate * sum w^2 / 2.

Changing the learning rate or the regularisation keeps the network (``change``);
anything else (data, features, network, activation, seed) starts over (``configure``).
"""

from __future__ import annotations

import threading

import numpy as np

import nn

GRID = 40
"""Points per side of the grid the pictures over the plane are computed on."""

UNIT_GRID = 16
"""Points per side of each unit's small picture in the network diagram."""

_NUMPY_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda s: np.maximum(s, 0.0),
    "sigmoid": lambda s: 1.0 / (1.0 + np.exp(-s)),
    "linear": lambda s: s,
}


LIVE_SETTINGS = frozenset(
    {"learning_rate", "regularization", "regularization_rate", "show_test_data", "discretize"}
)
"""The settings that change while the same network keeps training, as on the Playground."""


class Session:
    """One Playground run: ``config`` (an ``nn.data.PlaygroundConfig``), data, model, history."""

    def __init__(self, config=None, points: int = 500):
        self.points = points
        self.lock = threading.RLock()  # Play trains in a thread while controls change
        self.configure(config or nn.data.PlaygroundConfig())

    # ----- set-up -----

    def configure(self, config) -> None:
        """Start over with ``config``: new data, a new network, an empty history."""
        if not isinstance(config, nn.data.PlaygroundConfig):
            raise TypeError(f"config must be an nn.data.PlaygroundConfig, got {type(config).__name__}")
        with self.lock:
            self.config = config
            seed = config.seed_number
            X, y = nn.data.generate(config.data_set, self.points, config.noise, seed)
            test_size = 1.0 - config.perc_train_data / 100.0
            self.X_train, self.X_test, self.y_train, self.y_test = nn.data.train_test_split(
                X, y, test_size=test_size, seed=seed
            )
            self.regression = config.problem == "regression"
            self.loss = "mse" if self.regression else "bce"
            self.loss_fn = nn.losses.get(self.loss)
            sizes = [*config.network_shape, 1]
            self.model = nn.MLP(len(config.features), sizes, activation=config.activation, seed=seed % 2**32)
            if config.init_zero:
                for p in self.model.parameters():
                    p.data = 0.0
            self.optimizer = nn.SGD(self.model.parameters(), lr=config.learning_rate)
            self.weights = [p for name, p in self.model.named_parameters() if ".w." in name]
            self.rng = np.random.default_rng(seed)
            self.epoch = 0
            self.train_loss: list[float] = []
            self.test_loss: list[float] = []
            self.inputs_train = self.features(self.X_train)
            self.inputs_test = self.features(self.X_test)
            self._measure()

    def change(self, **changes) -> None:
        """Change settings that keep the network training: ``LIVE_SETTINGS`` (the rates, the view's flags).

        Any other setting starts over: use ``configure(config.replace(...))``.
        """
        others = sorted(set(changes) - LIVE_SETTINGS)
        if others:
            raise ValueError(
                f"change() takes {', '.join(sorted(LIVE_SETTINGS))}; {', '.join(others)} start(s) over: "
                "use configure(session.config.replace(...))"
            )
        with self.lock:
            self.config = self.config.replace(**changes)
            self.optimizer.lr = self.optimizer.base_lr = self.config.learning_rate

    def features(self, points) -> np.ndarray:
        """The network's inputs for points (n, 2): the chosen features."""
        return nn.data.features(points, list(self.config.features))

    # ----- training -----

    def step(self) -> None:
        """Train one epoch (shuffled mini-batches), then measure both losses."""
        with self.lock:
            n = len(self.inputs_train)
            order = self.rng.permutation(n)
            batch = self.config.batch_size
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                nn.engines.tape_gradients(self.model, self.inputs_train[idx], self.y_train[idx], self.loss_fn)
                self.add_penalty_gradient()
                self.optimizer.step()
            self.epoch += 1
            self._measure()

    def add_penalty_gradient(self) -> None:
        """Add the regularisation's gradient to every weight's grad: rate * sign(w) (L1) or rate * w (L2)."""
        rate = self.config.regularization_rate
        if self.config.regularization == "none" or rate == 0.0:
            return
        for w in self.weights:
            w.grad += rate * (np.sign(w.data) if self.config.regularization == "L1" else w.data)

    def _measure(self) -> None:
        self.train_loss.append(self.loss_on(self.inputs_train, self.y_train))
        self.test_loss.append(self.loss_on(self.inputs_test, self.y_test))

    def loss_on(self, inputs, y) -> float:
        """The mean loss of the network on (inputs, y), without any graph (numpy)."""
        out = self.unit_outputs(inputs)[-1][:, 0]
        if self.regression:
            return float(np.mean((out - y) ** 2))
        # binary cross-entropy on a logit z: log(1 + e^z) - y z, written to stay finite
        return float(np.mean(np.logaddexp(0.0, out) - y * out))

    # ----- pictures -----

    def unit_outputs(self, inputs) -> list[np.ndarray]:
        """Each layer's outputs for the rows of ``inputs``: a list of (n, width) arrays.

        h = activation(W h_prev + b), in numpy from the current weights: every unit's
        picture of a refresh costs one matrix product per layer, no graph.
        """
        h = np.asarray(inputs, dtype=float)
        out = []
        for layer in self.model.layers:
            W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
            b = np.array([neuron.b.data if neuron.b is not None else 0.0 for neuron in layer.neurons])
            h = _NUMPY_ACTIVATIONS[layer.neurons[0].activation](h @ W.T + b)
            out.append(h)
        return out

    def plane(self, resolution: int = GRID):
        """The square the pictures cover, (low, high), and its grid points (resolution^2, 2), row 0 on top."""
        X = np.concatenate([self.X_train, self.X_test])
        extent = float(np.abs(X).max()) * 1.1 or 1.0
        ticks = np.linspace(-extent, extent, resolution)
        gx, gy = np.meshgrid(ticks, ticks[::-1])
        return (-extent, extent), np.column_stack([gx.ravel(), gy.ravel()])

    def output_map(self, resolution: int = GRID) -> np.ndarray:
        """The network's output over the plane (resolution, resolution): P(class 1), or the value."""
        _, points = self.plane(resolution)
        out = self.unit_outputs(self.features(points))[-1][:, 0]
        values = out if self.regression else 1.0 / (1.0 + np.exp(-out))
        return values.reshape(resolution, resolution)

    def unit_maps(self, resolution: int = UNIT_GRID) -> list[np.ndarray]:
        """Every unit's output over the plane: per layer an array (width, resolution, resolution)."""
        _, points = self.plane(resolution)
        return [h.T.reshape(-1, resolution, resolution) for h in self.unit_outputs(self.features(points))]
