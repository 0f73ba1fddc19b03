"""``viz.Playground``: TensorFlow Playground in a notebook cell, trained on backprop-lab's engine.

The widget holds a ``Session`` (data, network, training) and draws its views as light
SVG (``views``). Controls that change the data, the features or the network start over;
the learning rate and the regularisation change while training goes on, as on the
Playground. Play runs a thread that trains ``epochs_per_refresh`` epochs, redraws, and
goes again until Pause; Step trains one epoch. Choosing a unit shows its computation
graph for one training example, with values and gradients at the current weights, and
the step player for it.
"""

from __future__ import annotations

import html
import threading

import numpy as np

import autograd
import nn

from .. import StepPlayer, draw_graph
from . import views
from .display import require_widgets
from .session import UNIT_GRID, Session

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
DATA_SETS = ("circle", "xor", "gauss", "spiral", "moons")
REGRESSION_SETS = ("plane", "six_gaussians")
MAX_LAYERS = MAX_WIDTH = 8  # as nn.data.playground_config accepts
FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2", "r", "theta", "spiral")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


class Playground:
    """The Playground as an ipywidgets app: ``viz.Playground()`` as a cell's last line shows it.

    ``Playground(config)`` starts from an ``nn.data.PlaygroundConfig``;
    ``Playground.from_url(link)`` from a Playground link, ``to_url()`` gives the link back.
    """

    def __init__(self, config=None, points: int = 500, epochs_per_refresh: int = 1):
        widgets = require_widgets()
        self.session = Session(config, points=points)
        self.epochs_per_refresh = epochs_per_refresh
        self._stop = threading.Event()
        self._thread = None
        self._building = True
        c = self.session.config
        W = widgets
        self.problem = W.Dropdown(
            options=("classification", "regression"), value=c.problem, description="problem"
        )
        self.dataset = W.Dropdown(options=_data_sets(c.problem), value=c.data_set, description="data")
        self.noise = W.IntSlider(value=round(c.noise * 100), min=0, max=50, step=5, description="noise %")
        self.train_ratio = W.IntSlider(
            value=c.perc_train_data, min=10, max=90, step=10, description="train %"
        )
        self.batch_size = W.IntSlider(value=c.batch_size, min=1, max=30, description="batch")
        self.features = W.SelectMultiple(options=FEATURES, value=tuple(c.features), description="features")
        self.hidden = W.Text(
            value=",".join(map(str, c.network_shape)), description="hidden", continuous_update=False
        )
        self.activation = W.Dropdown(options=ACTIVATIONS, value=c.activation, description="activation")
        self.learning_rate = W.Dropdown(
            options=_with(LEARNING_RATES, c.learning_rate), value=c.learning_rate, description="learn rate"
        )
        self.regularization = W.Dropdown(
            options=("none", "L1", "L2"), value=c.regularization, description="regularise"
        )
        self.regularization_rate = W.Dropdown(
            options=_with(REGULARIZATION_RATES, c.regularization_rate),
            value=c.regularization_rate,
            description="reg. rate",
        )
        self.seed = W.Text(value=c.seed, description="seed", continuous_update=False)
        self.show_test = W.Checkbox(value=c.show_test_data, description="show test data")
        self.discretize = W.Checkbox(value=c.discretize, description="discretize output")
        self.add_layer_button = W.Button(description="+ layer", layout=W.Layout(width="70px"))
        self.remove_layer_button = W.Button(description="- layer", layout=W.Layout(width="70px"))
        self.layer = W.Dropdown(description="layer", layout=W.Layout(width="140px"))
        self.add_unit_button = W.Button(description="+ unit", layout=W.Layout(width="70px"))
        self.remove_unit_button = W.Button(description="- unit", layout=W.Layout(width="70px"))
        self.play_button = W.ToggleButton(value=False, description="Play", icon="play")
        self.step_button = W.Button(description="Step", icon="step-forward")
        self.reset_button = W.Button(description="Reset", icon="undo")
        self.epoch_label = W.HTML()
        self.message = W.HTML()
        self.plane = W.HTML()
        self.losses = W.HTML()
        self.network = W.HTML()
        self.unit = W.Dropdown(description="unit")
        self.example = W.BoundedIntText(
            value=0, min=0, max=len(self.session.X_train) - 1, description="example"
        )
        self.unit_view = W.Output()
        self.show_unit_button = W.Button(description="Show its graph")
        for control in (
            self.dataset,
            self.noise,
            self.train_ratio,
            self.batch_size,
            self.features,
            self.hidden,
            self.activation,
            self.seed,
        ):
            control.observe(self._restart, names="value")
        for control in (
            self.learning_rate,
            self.regularization,
            self.regularization_rate,
            self.show_test,
            self.discretize,
        ):
            control.observe(self._live, names="value")
        self.problem.observe(self._problem_changed, names="value")
        self.unit.observe(lambda change: self._building or self.refresh(), names="value")
        self.add_layer_button.on_click(lambda button: self.add_layer())
        self.remove_layer_button.on_click(lambda button: self.remove_layer())
        self.add_unit_button.on_click(lambda button: self.add_unit(self.layer.value))
        self.remove_unit_button.on_click(lambda button: self.remove_unit(self.layer.value))
        self.play_button.observe(self._play_toggled, names="value")
        self.step_button.on_click(lambda button: self.step())
        self.reset_button.on_click(lambda button: self.reset())
        self.show_unit_button.on_click(lambda button: self.show_unit())
        self.widget = W.VBox(
            [
                W.HBox([self.play_button, self.step_button, self.reset_button, self.epoch_label]),
                W.HBox(
                    [
                        W.VBox(
                            [
                                self.problem,
                                self.dataset,
                                self.noise,
                                self.train_ratio,
                                self.batch_size,
                                self.seed,
                            ]
                        ),
                        W.VBox(
                            [
                                self.features,
                                self.hidden,
                                W.HBox([self.add_layer_button, self.remove_layer_button]),
                                W.HBox([self.layer, self.add_unit_button, self.remove_unit_button]),
                                self.activation,
                            ]
                        ),
                        W.VBox(
                            [
                                self.learning_rate,
                                self.regularization,
                                self.regularization_rate,
                                self.show_test,
                                self.discretize,
                            ]
                        ),
                    ]
                ),
                self.message,
                W.HBox([self.network, W.VBox([self.plane, self.losses])]),
                W.HBox([self.unit, self.example, self.show_unit_button]),
                self.unit_view,
            ]
        )
        self._building = False
        self._new_network()

    @classmethod
    def from_url(cls, url: str, **options) -> Playground:
        """The Playground set up as the Playground link ``url`` says (see ``nn.data.playground_config``)."""
        return cls(nn.data.playground_config(url), **options)

    def to_url(self) -> str:
        """The Playground link of the current set-up."""
        return self.session.config.to_url()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # ----- buttons -----

    def step(self) -> None:
        """Train one epoch and redraw (the Step button)."""
        self.train(1)

    def reset(self) -> None:
        """A new network from the seed, the same data; the history starts over (the Reset button)."""
        self.pause()
        self.session.configure(self.session.config)
        self._new_network()

    def play(self) -> None:
        """Train in the background, redrawing after every ``epochs_per_refresh`` epochs, until ``pause()``."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        self.play_button.value, self.play_button.description, self.play_button.icon = True, "Pause", "pause"

    def pause(self) -> None:
        """Stop the background training after its current refresh."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None
        self.play_button.value, self.play_button.description, self.play_button.icon = False, "Play", "play"

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self):
        while not self._stop.is_set():
            if not self.train(self.epochs_per_refresh):
                break

    def _play_toggled(self, change):
        if change["new"] and not self.playing:
            self.play()
        elif not change["new"] and self.playing:
            self.pause()

    def train(self, epochs: int = 1) -> bool:
        """Train ``epochs`` epochs and redraw; False (and a message) if the training had to stop."""
        try:
            for _ in range(epochs):
                self.session.step()
        # A learning rate too large sends the weights to overflow: say so and stop, weights as
        # after the last whole step (SGD refuses an inf step, the tape a sum that overflows).
        except (FloatingPointError, autograd.DomainError, nn.engines.NotTraceable) as error:
            self.message.value = (
                f"<b>Training stopped</b> (is the learning rate too large?): {html.escape(str(error))}"
            )
            self._stop.set()
            self.play_button.value = False
            return False
        self.refresh()
        return True

    # ----- controls -----

    def _restart(self, change):
        if self._building:
            return
        try:
            shape = tuple(int(s) for s in self.hidden.value.split(",") if s.strip())
        except ValueError:
            self.message.value = f"hidden: expected layer widths such as 4,2, got {self.hidden.value!r}"
            return
        data = self.dataset.value
        regression = data in REGRESSION_SETS
        changes = dict(
            problem="regression" if regression else "classification",
            noise=self.noise.value / 100,
            perc_train_data=self.train_ratio.value,
            batch_size=self.batch_size.value,
            features=tuple(self.features.value),
            network_shape=shape,
            activation=self.activation.value,
            seed=self.seed.value,
        )
        changes["reg_dataset" if regression else "dataset"] = data
        try:
            config = self.session.config.replace(**changes)
        except ValueError as error:
            self.message.value = str(error)
            return
        playing = self.playing
        self.pause()
        self.session.configure(config)
        self._new_network()
        if playing:
            self.play()

    def _problem_changed(self, change):
        if self._building:
            return
        self._building = True  # one restart, once the data set list has changed
        self.dataset.options = _data_sets(change["new"])
        self.dataset.value = self.dataset.options[0]
        self._building = False
        self._restart(None)

    def add_layer(self) -> None:
        """One more hidden layer (of 2 units) at the end, as on the Playground (at most 8 layers)."""
        shape = list(self.session.config.network_shape)
        if len(shape) < MAX_LAYERS:
            self.hidden.value = ",".join(map(str, [*shape, 2]))

    def remove_layer(self) -> None:
        """The last hidden layer removed (none left: the output reads the features directly)."""
        shape = list(self.session.config.network_shape)
        if shape:
            self.hidden.value = ",".join(map(str, shape[:-1]))

    def add_unit(self, layer: int) -> None:
        """One more unit in hidden layer ``layer`` (0 is the first; at most 8 units)."""
        self._resize(layer, +1)

    def remove_unit(self, layer: int) -> None:
        """One unit fewer in hidden layer ``layer`` (at least 1 stays)."""
        self._resize(layer, -1)

    def _resize(self, layer, by):
        shape = list(self.session.config.network_shape)
        if layer is not None and 0 <= layer < len(shape) and 1 <= shape[layer] + by <= MAX_WIDTH:
            shape[layer] += by
            self.hidden.value = ",".join(map(str, shape))

    def _live(self, change):
        if self._building:
            return
        self.session.change(
            learning_rate=self.learning_rate.value,
            regularization=self.regularization.value,
            regularization_rate=self.regularization_rate.value,
            show_test_data=self.show_test.value,
            discretize=self.discretize.value,
        )
        self.refresh()

    def _new_network(self):
        s = self.session
        self.message.value = ""
        names = [
            f"layer {k + 1} unit {j + 1}"
            for k, layer in enumerate(s.model.layers)
            for j in range(len(layer.neurons))
        ]
        self._building = True  # new options for the choosers: one redraw at the end
        self.unit.options = [(name, i) for i, name in enumerate(names)]
        self.unit.value = len(names) - 1
        chosen_layer = self.layer.value
        self.layer.options = [(f"hidden {k + 1}", k) for k in range(len(s.config.network_shape))]
        if chosen_layer is not None and chosen_layer < len(s.config.network_shape):
            self.layer.value = chosen_layer
        self._building = False
        self.example.max = len(s.X_train) - 1
        extent, _ = s.plane()
        regression = s.regression
        self._points_train = views.points_svg(s.X_train, s.y_train, extent, regression=regression)
        self._points_test = views.points_svg(s.X_test, s.y_test, extent, hollow=True, regression=regression)
        inputs = s.features(s.plane(UNIT_GRID)[1])
        self._input_uris = [
            views.heat_map_uri(_scaled(col).reshape(UNIT_GRID, -1), -1.0, 1.0) for col in inputs.T
        ]
        self.refresh()

    # ----- views -----

    def refresh(self) -> None:
        """Redraw every view from the session: epoch, plane, losses, network."""
        s = self.session
        with s.lock:
            low, high = (-1.0, 1.0) if s.regression else (0.0, 1.0)
            values = s.output_map()
            if s.config.discretize:  # the Playground's "discretize output": each side in one colour
                values = np.where(values >= (low + high) / 2, high, low)
            heat = views.heat_map_uri(values, low, high)
            unit_maps = s.unit_maps()
            weights = [_weights(layer) for layer in s.model.layers]
            epoch, train, test = s.epoch, list(s.train_loss), list(s.test_loss)
        points = self._points_train + (self._points_test if self.show_test.value else "")
        self.plane.value = views.plane_svg(heat, points)
        self.losses.value = views.loss_svg(train, test)
        unit_uris = [self._input_uris] + [
            [views.heat_map_uri(m, -1.0, 1.0) for m in layer] for layer in unit_maps
        ]
        self.network.value = views.network_svg(list(s.config.features), unit_uris, weights, self._chosen())
        self.epoch_label.value = f"<b>Epoch {epoch}</b>"

    def _chosen(self):
        i = self.unit.value or 0
        for k, layer in enumerate(self.session.model.layers):
            if i < len(layer.neurons):
                return k + 1, i
            i -= len(layer.neurons)
        return None

    def unit_value(self):
        """The chosen unit's output Value for the chosen training example, after its backward pass.

        The graph runs from the example's features through the layers before the unit;
        every weight's ``grad`` is d (unit output) / d weight at the current weights.
        """
        s = self.session
        layer, unit = self._chosen()
        with s.lock:
            x = [
                autograd.Value(float(v), label=name)
                for v, name in zip(s.inputs_train[self.example.value], s.config.features)
            ]
            s.model.zero_grad()
            h = x
            for current in s.model.layers[:layer]:
                h = current(h)
            out = h[unit]
            out.backward()
        return out

    def show_unit(self) -> None:
        """Show the chosen unit's computation graph (values and gradients) and its step player."""
        from IPython.display import display

        out = self.unit_value()
        self.unit_view.clear_output()
        with self.unit_view:
            display(draw_graph(out, collapse=None, max_nodes=400))
            display(StepPlayer(out))
        self.session.model.zero_grad()
        self.refresh()


def _weights(layer):
    return np.array([[w.data for w in neuron.w] for neuron in layer.neurons])


def _scaled(values):
    top = float(np.abs(values).max()) or 1.0
    return values / top


def _data_sets(problem):
    return REGRESSION_SETS if problem == "regression" else DATA_SETS


def _with(options, value):
    return tuple(sorted(set(options) | {value}))
