"""Which engine computes a training step's gradients: the one asked for, or under "auto" the tape."""

from __future__ import annotations

import autograd

from .scalar import scalar_gradients
from .tape import NotTraceable, prepare, tape_gradients

ENGINES = {"scalar": scalar_gradients, "tape": tape_gradients}
"""Each engine ``fit`` can run on, by name: ``gradients(model, X, y, loss_fn) -> (loss, outputs)``."""


def check_engine(engine: str) -> str:
    """``engine`` if ``fit`` can run on it ("auto" or a name of ENGINES), else a ValueError listing them."""
    if engine != "auto" and engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of: auto, {', '.join(ENGINES)}")
    return engine


class EngineChoice:
    """The gradients of one ``fit``'s steps: the engine asked for, or under "auto" the tape where it can.

    The choice is made at the first step (so a Ctrl-C or a KeyboardInterrupt while the
    tape is traced counts as one in that step) and again after ``refresh()`` (user code
    ran and may have changed the model). ``planned`` is the engine the next step runs
    on, ``used`` the engines that ran ("tape", "scalar", or both in the order they first
    ran), ``reason`` why the scalar engine runs (None when the tape does).
    """

    def __init__(self, engine, model, loss_fn, X, y, found=None):
        self.engine, self.model, self.loss_fn, self.X, self.y = engine, model, loss_fn, X, y
        self.found = found  # the model's survey, while it is known to be current
        self.tape = None
        self.reason = None
        self.names = []
        self.ready = False

    def refresh(self):
        """Choose the engine again before the next step."""
        self.ready = False
        self.found = None

    def prepare(self):
        """Choose the engine for the next steps (the tape, traced or from the model's cache, or not)."""
        self.tape = None
        self.ready = True
        if self.engine not in ("auto", "tape"):
            self.reason = f"engine={self.engine!r} was asked for" if self.engine != "tape" else None
            return
        try:
            self.tape = prepare(self.model, self.loss_fn, self.X, self.y, self.found)
            self.reason = None
        except NotTraceable as error:
            if self.engine == "tape":
                raise NotTraceable(f'engine="tape" cannot train this model: {error}') from error
            self.reason = str(error)

    @property
    def planned(self) -> str:
        if self.tape is not None:
            return "tape"
        return "scalar" if self.engine == "auto" else self.engine

    @property
    def used(self) -> str:
        return ", ".join(self.names)

    def gradients(self, X, y):
        """(batch loss, outputs) from the chosen engine; every grad set, no parameter changed."""
        if not self.ready:
            self.prepare()
        if self.tape is not None:
            try:
                result = self.tape.gradients(X, y)
            except (autograd.DomainError, NotTraceable) as error:
                if self.engine == "tape":
                    raise
                self.tape = None  # the scalar engine takes over, and says what is wrong if anything is
                self.reason = f"the tape failed on a batch: {error}"
            else:
                self._ran("tape")
                return result
        name = self.planned
        result = ENGINES[name](self.model, X, y, self.loss_fn)
        self._ran(name)
        return result

    def _ran(self, name):
        if name not in self.names:
            self.names.append(name)
