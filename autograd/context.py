"""Recording switches: ``no_grad()`` and ``scope(name)``.

Both set state that every new node reads when it is made, so they cost nothing per op
beyond one attribute look-up.
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager


class Scope:
    """A named part of a graph, such as one neuron or one layer of a network.

    Scopes nest: ``scope.parent`` is the enclosing scope (or None). ``kind`` says what
    the part is ("neuron", "layer", ...), so pictures can collapse a network by kind.
    """

    __slots__ = ("name", "kind", "parent")

    def __init__(self, name: str, kind: str | None = None, parent: Scope | None = None):
        self.name = name
        self.kind = kind
        self.parent = parent

    @property
    def path(self) -> tuple[str, ...]:
        """The names from the outermost scope to this one."""
        names = []
        s = self
        while s is not None:
            names.append(s.name)
            s = s.parent
        return tuple(reversed(names))

    def find(self, kind: str) -> Scope | None:
        """The innermost scope of this kind around (and including) this one."""
        s = self
        while s is not None and s.kind != kind:
            s = s.parent
        return s

    def __repr__(self):
        return f"Scope({'/'.join(self.path)!r}, kind={self.kind!r})"


class _State:
    __slots__ = ("grad_enabled", "scope")

    def __init__(self):
        self.grad_enabled = True
        self.scope = None


STATE = _State()


@contextmanager
def no_grad():
    """Inside it, ops compute values but record no graph: results are plain leaves.

    Use it for evaluation and for updating parameters, where no gradient is wanted.
    """
    before = STATE.grad_enabled
    STATE.grad_enabled = False
    try:
        yield
    finally:
        STATE.grad_enabled = before


def is_grad_enabled() -> bool:
    """False inside ``no_grad()``."""
    return STATE.grad_enabled


class scope:
    """Label every node made inside it as belonging to the part ``name`` of the graph.

    nn computes each neuron inside ``scope("layers.0.neurons.3", kind="neuron")`` and each
    layer inside ``scope("layers.0", kind="layer")``, so a picture can draw a network
    neuron by neuron or layer by layer. A node's ``scope`` is the innermost one;
    ``with scope(...) as s`` gives that Scope.

    A class rather than a ``@contextmanager`` generator: a network's forward pass enters
    two per neuron, and a class is entered about four times faster.
    """

    __slots__ = ("name", "kind", "_before")

    def __init__(self, name: str, kind: str | None = None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope needs a non-empty name, got {name!r}")
        self.name, self.kind = name, kind

    def __enter__(self) -> Scope:
        self._before = STATE.scope
        STATE.scope = Scope(self.name, self.kind, self._before)
        return STATE.scope

    def __exit__(self, *exc):
        STATE.scope = self._before


class gc_paused:
    """Pause Python's cyclic garbage collector inside it (when ``pause`` is true).

    A graph of Values holds no reference cycles (reference counting frees it), so the
    collector finds nothing in it; left running while a large graph is built or walked,
    it would scan every node several times over, up to half the time of building it.
    The engine's backward pass and nn's forward passes, losses and training steps run
    inside it. As a decorator, ``@gc_paused()`` pauses it for every call of a function.
    The collector is on again afterwards if it was on before, and the objects made
    meanwhile still count towards its next run.
    """

    __slots__ = ("pause", "_was_enabled")

    def __init__(self, pause: bool = True):
        self.pause = pause

    def __enter__(self):
        self._was_enabled = gc.isenabled()
        if self.pause:
            gc.disable()

    def __exit__(self, *exc):
        if self._was_enabled:
            gc.enable()

    def __call__(self, fn):
        pause = self.pause

        @functools.wraps(fn)
        def paused(*args, **kwargs):
            with gc_paused(pause):  # a new one per call: calls may nest
                return fn(*args, **kwargs)

        return paused
