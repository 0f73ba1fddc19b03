"""TensorFlow Playground links, read and written: the settings after the ``#`` of a Playground URL.

A lab sheet hands out links such as
``https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&...``;
``playground_config(url)`` reads one into a ``PlaygroundConfig`` in backprop-lab's terms
(data set and feature names of ``nn.data``, noise as a fraction, hidden layer widths),
and ``config.to_url()`` writes the link back in the Playground's own key order.

The Playground's names and ours:

- ``dataset`` circle, xor, gauss, spiral (and our moons); ``regDataset`` reg-plane,
  reg-gauss are our plane and six_gaussians; ``problem`` picks which of the two is used.
- ``noise`` is a percentage 0..50 (ours: 0..0.5); ``percTrainData`` 10..90 (% for training).
- features: x, y, xSquared, ySquared, xTimesY, sinX, sinY are our x1, x2, x1_sq, x2_sq,
  x1_x2, sin_x1, sin_x2; the lecture's r, theta, spiral are extra keys of the same name.
  The Playground's hidden cosX and cosY have no counterpart: true is an error.
- ``seed`` is a text in the Playground (it seeds its random numbers); ``seed_number``
  turns it into the whole number our generators take, the same one for the same text.
- keys ending in ``_hide`` hide a control in the Playground's page; they are kept as
  they came. Any other unknown key is ignored with a warning.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

PLAYGROUND = "https://playground.tensorflow.org/#"

CLASSIFICATION_SETS = {
    "circle": "circle",
    "xor": "xor",
    "gauss": "gauss",
    "spiral": "spiral",
    "moons": "moons",
}
"""The Playground's ``dataset`` values and our data set names (moons is ours only)."""

REGRESSION_SETS = {"reg-plane": "plane", "reg-gauss": "six_gaussians"}
"""The Playground's ``regDataset`` values and our data set names."""

FEATURE_KEYS = {
    "x": "x1",
    "y": "x2",
    "xTimesY": "x1_x2",
    "xSquared": "x1_sq",
    "ySquared": "x2_sq",
    "sinX": "sin_x1",
    "sinY": "sin_x2",
    "r": "r",
    "theta": "theta",
    "spiral": "spiral",
}
"""The Playground's feature flags (and the lecture's three) and our feature names."""

UNSUPPORTED_FEATURES = ("cosX", "cosY")  # in the Playground's state, never shown on its page
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")  # the Playground's four
REGULARIZATIONS = ("none", "L1", "L2")
PROBLEMS = ("classification", "regression")
FLAGS = ("showTestData", "discretize", "collectStats", "initZero", "hideText")
MAX_LAYERS, MAX_WIDTH = 8, 8  # the largest network the live Playground draws

# The order the Playground writes its keys in (our three lecture features after sinY).
ORDER = (
    "activation",
    "batchSize",
    "dataset",
    "regDataset",
    "learningRate",
    "regularization",
    "regularizationRate",
    "noise",
    "networkShape",
    "seed",
    "showTestData",
    "discretize",
    "percTrainData",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
    "r",
    "theta",
    "spiral",
    "collectStats",
    "problem",
    "initZero",
    "hideText",
)


@dataclass(frozen=True)
class PlaygroundConfig:
    """One Playground set-up in backprop-lab's terms; the defaults are the Playground's."""

    activation: str = "tanh"
    batch_size: int = 10
    dataset: str = "circle"  # the classification set (nn.data name)
    reg_dataset: str = "plane"  # the regression set (nn.data name)
    learning_rate: float = 0.03
    regularization: str = "none"  # none, L1 or L2: the penalty rate * sum |w| or rate * sum w^2 / 2
    regularization_rate: float = 0.0
    noise: float = 0.0  # a fraction in [0, 0.5]
    network_shape: tuple = (4, 2)  # hidden layer widths; the output unit is added
    seed: str = "0"
    perc_train_data: int = 50
    features: tuple = ("x1", "x2")
    problem: str = "classification"
    show_test_data: bool = False
    discretize: bool = False
    collect_stats: bool = False
    init_zero: bool = False
    hide_text: bool = False
    hidden_controls: tuple = field(default=())  # the Playground's "<key>_hide" flags, as (key, bool)

    @property
    def data_set(self) -> str:
        """The data set the problem uses: ``dataset`` or ``reg_dataset``."""
        return self.reg_dataset if self.problem == "regression" else self.dataset

    @property
    def seed_number(self) -> int:
        """The seed as a whole number: the seed itself if it is one, else a checksum of its text."""
        return int(self.seed) if self.seed.isdigit() else zlib.crc32(self.seed.encode())

    def __post_init__(self):
        """Check every setting as a link's value is checked: a ValueError names the field."""
        for name in ("network_shape", "features"):  # lists are welcome; kept as tuples (hashable)
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))
        for name, kind in _FIELD_TYPES.items():
            value = getattr(self, name)
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
                raise ValueError(f"PlaygroundConfig: {name} must be {expected}, got {value!r}")
        for name, table in (("dataset", CLASSIFICATION_SETS), ("reg_dataset", REGRESSION_SETS)):
            if getattr(self, name) not in table.values():
                known = ", ".join(table.values())
                raise ValueError(
                    f"PlaygroundConfig: {name} must be one of {known}, got {getattr(self, name)!r}"
                )
        unknown = [f for f in self.features if f not in FEATURE_KEYS.values()]
        if unknown or not self.features:
            raise ValueError(
                f"PlaygroundConfig: features must be some of {', '.join(FEATURE_KEYS.values())}, "
                f"got {self.features!r}"
            )
        if not 0.0 <= self.noise <= 0.5:  # a fraction here, a percentage in a link
            raise ValueError(f"PlaygroundConfig: noise must be a fraction in [0, 0.5], got {self.noise!r}")
        for key, text in self._link_values().items():
            if key in _READERS:
                _READERS[key](f"PlaygroundConfig: {_snake(key)}", text)

    def to_url(self) -> str:
        """The Playground link of this set-up (``playground_config(config.to_url()) == config``)."""
        values = self._link_values()
        parts = [f"{key}={values[key]}" for key in ORDER if key in values]
        parts += [f"{key}={_bool_text(hidden)}" for key, hidden in self.hidden_controls]
        return PLAYGROUND + "&".join(parts)

    def _link_values(self) -> dict[str, str]:
        classification_set = {ours: theirs for theirs, ours in CLASSIFICATION_SETS.items()}
        regression_set = {ours: theirs for theirs, ours in REGRESSION_SETS.items()}
        values = {
            "activation": self.activation,
            "batchSize": str(self.batch_size),
            "dataset": classification_set[self.dataset],
            "regDataset": regression_set[self.reg_dataset],
            "learningRate": _number_text(self.learning_rate),
            "regularizationRate": _number_text(self.regularization_rate),
            "noise": _number_text(round(self.noise * 100, 10)),
            "networkShape": ",".join(map(str, self.network_shape)),
            "seed": self.seed,
            "percTrainData": str(self.perc_train_data),
            "problem": self.problem,
            "cosX": "false",
            "cosY": "false",
        }
        if self.regularization != "none":  # the Playground leaves the key out for none
            values["regularization"] = self.regularization
        for key in FLAGS:
            values[key] = _bool_text(getattr(self, _snake(key)))
        for key, name in FEATURE_KEYS.items():
            if name in self.features or key not in ("r", "theta", "spiral"):
                values[key] = _bool_text(name in self.features)
        return values

    def replace(self, **changes) -> PlaygroundConfig:
        """A copy with ``changes`` (checked as every PlaygroundConfig is)."""
        return replace(self, **changes)


def playground_config(url: str) -> PlaygroundConfig:
    """Read a Playground link (the whole URL, or the part after ``#``) into a PlaygroundConfig.

    Keys not in the link keep the Playground's defaults. A bad value raises ValueError
    naming the key, what was expected and what came; an unknown key gives a warning.
    """
    if not isinstance(url, str):
        raise TypeError(f"playground_config needs the link as text, got {type(url).__name__}")
    query = url.split("#", 1)[1] if "#" in url else url
    given: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"Playground link: expected key=value, got {part[:60]!r}")
        if key in given:
            raise ValueError(f"Playground link: the key {key!r} is given twice")
        given[key] = unquote(value)
    fields: dict = {}
    hidden = []
    features = None
    for key, value in given.items():
        if key in FEATURE_KEYS or key in UNSUPPORTED_FEATURES:
            on = _bool(f"Playground link: {key}", value)
            if on and key in UNSUPPORTED_FEATURES:
                raise ValueError(
                    f"Playground link: {key}=true asks for a feature backprop-lab does not have; "
                    f"expected {key}=false (the features are: {', '.join(FEATURE_KEYS)})"
                )
            if key in FEATURE_KEYS:
                features = dict.fromkeys(FEATURE_KEYS, None) if features is None else features
                features[key] = on
        elif key.endswith("_hide"):
            hidden.append((key, _bool(f"Playground link: {key}", value)))
        elif key in _READERS:
            fields[_snake(key)] = _READERS[key](f"Playground link: {key}", value)
        else:
            warnings.warn(
                f"Playground link: unknown key {key!r} ignored (known keys: {', '.join(ORDER)})",
                UserWarning,
                stacklevel=2,
            )
    if features is not None:
        default_on = {"x", "y"}  # a link that leaves x or y out keeps the Playground's default
        chosen = [FEATURE_KEYS[k] for k, on in features.items() if on or (on is None and k in default_on)]
        if not chosen:
            raise ValueError(
                "Playground link: no input feature is on; expected at least one of x, y, ... =true"
            )
        fields["features"] = tuple(chosen)
    fields["hidden_controls"] = tuple(hidden)
    return PlaygroundConfig(**fields)


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def _bool_text(on: bool) -> str:
    return "true" if on else "false"


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _bool(key, value):
    if value not in ("true", "false"):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value == "true"


def _choice(options):
    def read(key, value):
        if value not in options:
            raise ValueError(f"{key} must be one of {', '.join(options)}, got {value!r}")
        return options[value] if isinstance(options, dict) else value

    return read


def _number(low, high, whole=False, scale=1.0):
    def read(key, value):
        try:
            x = int(value) if whole else float(value)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"{key} must be {kind} in [{low}, {high}], got {value!r}") from None
        if not math.isfinite(x) or not low <= x <= high:
            raise ValueError(f"{key} must be in [{low}, {high}], got {value!r}")
        return x * scale if scale != 1.0 else x

    return read


def _shape(key, value):
    if value == "":
        return ()
    widths = []
    for part in value.split(","):
        if not part.isdigit() or not 1 <= int(part) <= MAX_WIDTH:
            raise ValueError(
                f"{key} must be hidden layer widths 1..{MAX_WIDTH} separated by commas "
                f"(as in 4,2), got {value!r}"
            )
        widths.append(int(part))
    if len(widths) > MAX_LAYERS:
        raise ValueError(f"{key} may have at most {MAX_LAYERS} layers, got {len(widths)}")
    return tuple(widths)


def _seed(key, value):
    if not value or len(value) > 64 or not all(c.isalnum() or c in ".-_" for c in value):
        raise ValueError(f"{key} must be a short text of letters, digits and . - _, got {value!r}")
    return value


_FIELD_TYPES = {
    "activation": str,
    "batch_size": int,
    "dataset": str,
    "reg_dataset": str,
    "learning_rate": (int, float),
    "regularization": str,
    "regularization_rate": (int, float),
    "noise": (int, float),
    "network_shape": tuple,
    "seed": str,
    "perc_train_data": int,
    "features": tuple,
    "problem": str,
    **{_snake(flag): bool for flag in FLAGS},
    "hidden_controls": tuple,
}

_READERS = {
    "activation": _choice(ACTIVATIONS),
    "batchSize": _number(1, 30, whole=True),
    "dataset": _choice(CLASSIFICATION_SETS),
    "regDataset": _choice(REGRESSION_SETS),
    "learningRate": _number(1e-6, 10.0),
    "regularization": _choice(REGULARIZATIONS),
    "regularizationRate": _number(0.0, 10.0),
    "noise": _number(0, 50, scale=0.01),
    "networkShape": _shape,
    "seed": _seed,
    "percTrainData": _number(10, 90, whole=True),
    "problem": _choice(PROBLEMS),
    **{flag: _bool for flag in FLAGS},
}
