"""Saving and loading models: the JSON format, and every Module class by name to rebuild one.

A saved model is ``{"format": "backprop-lab model", "version": 1, "model": spec,
"training": mode, "state": state_dict}``, where ``spec`` is ``{"class": ..., "config":
...}`` (``Module.spec()``). Floats are written in Python's shortest round-trip form, so
``nn.load`` gives back every number exactly.

A file is input like any other: ``nn.load`` checks it before it spends anything on it.
It reads only a regular file of at most MAX_FILE_BYTES, and builds a model only once the
numbers it asks for (``Module.state_size``) match the state in the file and stay under
MAX_STATE_ENTRIES. Every field it cannot use is a ValueError that names the field.
"""

from __future__ import annotations

import json
import os
import re
import stat

from .checks import brief, finite_state
from .files import NotARegularFile, kind_of, write_atomic

FORMAT = "backprop-lab model"
"""The ``format`` field of a saved model (JSON)."""

FORMAT_VERSION = 1

MODULES: dict[str, type] = {}
"""Every Module class by name, so ``nn.load`` can rebuild a saved model (Module fills it)."""

MAX_FILE_BYTES = 16 * 2**20
"""The largest file ``nn.load`` reads (16 MiB: about 250,000 numbers with their names)."""

MAX_STATE_ENTRIES = 200_000
"""The most parameters and buffers ``nn.load`` builds (the scalar engine would crawl well before)."""

MAX_DEPTH = 100
"""The deepest nesting of lists and objects ``nn.load`` accepts (a Residual around a Residual ...)."""


def save(model, path):
    """Write ``model`` to ``path`` as JSON, atomically and flushed to disk (``nn.files.write_atomic``).

    A model with a NaN or infinite number is refused, naming the parameter: JSON has no
    such numbers, and a diverged model is nothing to keep.
    """
    state = finite_state(model.state_dict(), "save")
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "model": model.spec(),
        "training": model.training,
        "state": state,
    }

    def write(f):
        json.dump(document, f, indent=1, allow_nan=False)
        f.write("\n")

    write_atomic(path, write, durable=True)


def load(path):
    """The model saved at ``path`` by ``Module.save``: rebuilt, with every number exact.

    A ValueError (naming the file and the field) for anything else: not a regular file,
    larger than MAX_FILE_BYTES, not UTF-8 JSON, a missing or wrong field, a model larger
    than its state or than MAX_STATE_ENTRIES; nothing is built before those checks.
    """
    document = _read_json(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved backprop-lab model (no 'format': {FORMAT!r} field)")
    if document.get("version") != FORMAT_VERSION:
        version = brief(document.get("version"))
        raise ValueError(f"{path} has format version {version}; this nn reads version {FORMAT_VERSION}")
    for key in ("model", "state"):
        if key not in document:
            raise ValueError(f"{path}: the field {key!r} is missing")
    state, training = document["state"], document.get("training", True)
    if not isinstance(state, dict):
        raise ValueError(f"{path}: 'state' must be an object of name -> number, got {type(state).__name__}")
    if not isinstance(training, bool):
        raise ValueError(f"{path}: 'training' must be true or false, got {brief(training)}")
    try:
        size = spec_state_size(document["model"], "model")
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    if size is not None and size > MAX_STATE_ENTRIES:
        raise ValueError(
            f"{path}: 'model' asks for {brief(size)} parameters and buffers, more than {MAX_STATE_ENTRIES}"
        )
    if size is not None and size != len(state):
        raise ValueError(
            f"{path}: 'model' asks for {size} parameters and buffers, but 'state' holds {len(state)}"
        )
    try:
        model = from_spec(document["model"])
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path}: model.config: {error}") from None
    try:
        model.load_state_dict(state)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return model.train(training)


def from_spec(spec: dict):
    """A module rebuilt from ``Module.spec()``'s output (weights not loaded)."""
    cls, config = _class_and_config(spec, "model")
    return cls.from_config(config)


def spec_state_size(spec, where: str) -> int | None:
    """How many state entries the module of ``spec`` would have (``Module.state_size``), built nothing.

    ``where`` names the spec in messages ("model", "block"): "model.config.nin must be ...".
    """
    cls, config = _class_and_config(spec, where)
    try:
        return cls.state_size(config)
    except _FieldError as error:
        raise _FieldError(f"{where}.config.{error.where}", error.reason) from None
    except (TypeError, ValueError) as error:
        raise _FieldError(f"{where}.config", str(error)) from None


class _FieldError(ValueError):
    """A ValueError about the field ``where`` of a nested spec, so each level can prefix its own name."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def _class_and_config(spec, where):
    if not isinstance(spec, dict):
        raise _FieldError(where, f'must be an object {{"class": ..., "config": {{...}}}}, got {brief(spec)}')
    name = spec.get("class")
    if not isinstance(name, str) or name not in MODULES:
        known = ", ".join(sorted(MODULES))
        raise _FieldError(f"{where}.class", f"unknown module class {brief(name)}; expected one of: {known}")
    config = spec.get("config", {})
    if not isinstance(config, dict):
        got = type(config).__name__
        raise _FieldError(f"{where}.config", f"must be an object of name -> value, got {got}")
    return MODULES[name], config


def _read_json(path):
    """The JSON document in the regular file at ``path``, read with a cap of MAX_FILE_BYTES."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:  # where a folder cannot be opened at all
        raise NotARegularFile(f"{path} is a folder, not a saved model") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path} is {kind_of(info.st_mode)}, not a saved model")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"{path} has {info.st_size} bytes; a saved model has at most {MAX_FILE_BYTES}")
    except BaseException:
        os.close(fd)
        raise
    with open(fd, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)  # the cap holds even if the file grew since fstat
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"{path} has more than {MAX_FILE_BYTES} bytes; a saved model has at most that")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not a saved model (not UTF-8 text: {error})") from None
    depth = _nesting(text)
    if depth > MAX_DEPTH:
        why = f"lists and objects nested {depth} deep, at most {MAX_DEPTH}"
        raise ValueError(f"{path} is not a saved model ({why})")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, or a number of over 4300 digits
        raise ValueError(f"{path} is not a saved model (not JSON: {error})") from None


def _nesting(text: str) -> int:
    """How deep lists and objects nest in JSON ``text`` (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _STRUCTURE.findall(text):
        if token[0] in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token[0] in "]}":
            depth -= 1
    return deepest


_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
