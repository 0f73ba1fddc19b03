"""Saving and loading models: the JSON format, and every Module class by name to rebuild one.

A saved model is ``{"format": "backprop-lab model", "version": 1, "model": spec,
"training": mode, "state": state_dict}``, where ``spec`` is ``{"class": ..., "config":
...}`` (``Module.spec()``). Floats are written in Python's shortest round-trip form, so
``nn.load`` gives back every number exactly.
"""

from __future__ import annotations

import json

from .files import write_atomic

FORMAT = "backprop-lab model"
"""The ``format`` field of a saved model (JSON)."""

FORMAT_VERSION = 1

MODULES: dict[str, type] = {}
"""Every Module class by name, so ``nn.load`` can rebuild a saved model (Module fills it)."""


def save(model, path):
    """Write ``model`` to ``path`` as JSON, atomically and flushed to disk (``nn.files.write_atomic``)."""
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "model": model.spec(),
        "training": model.training,
        "state": model.state_dict(),
    }

    def write(f):
        json.dump(document, f, indent=1, allow_nan=False)
        f.write("\n")

    write_atomic(path, write, durable=True)


def load(path):
    """The model saved at ``path`` by ``Module.save``: rebuilt, with every number exact."""
    with open(path, encoding="utf-8") as f:
        try:
            document = json.load(f)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not a saved model (not JSON: {error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved backprop-lab model (no 'format': {FORMAT!r} field)")
    if document.get("version") != FORMAT_VERSION:
        version = document.get("version")
        raise ValueError(f"{path} has format version {version!r}; this nn reads version {FORMAT_VERSION}")
    model = from_spec(document["model"])
    model.load_state_dict(document["state"])
    return model.train(bool(document.get("training", True)))


def from_spec(spec: dict):
    """A module rebuilt from ``Module.spec()``'s output (weights not loaded)."""
    name = spec.get("class") if isinstance(spec, dict) else None
    if name not in MODULES:
        raise ValueError(f"unknown module class {name!r}; expected one of: {', '.join(sorted(MODULES))}")
    return MODULES[name].from_config(spec.get("config", {}))
