"""The engine policy: which engine computes a model's outputs and a training step's gradients.

Two engines give the same numbers (to about 1e-15):

- the scalar engine (``scalar``): one graph of Values per batch, the lecture's backprop;
- the batch tape (``tape``): the graph of ONE example traced once and replayed over the
  whole batch with numpy, where it gives the scalar engine's answer (the rules are in
  ``nn.engines.tape``).

``choice`` picks one for ``fit`` (``engine="auto"``: the tape wherever it can), and the
tape registers itself with ``Module.predict`` (``nn.module.BATCH_ENGINES``), so a model
never needs to know which engines exist. A module that mixes the examples of a batch says
so (``Module.couples_examples``), and the policy asks it.
"""

from ..module import BATCH_ENGINES
from . import choice, scalar, tape
from .choice import ENGINES, EngineChoice, check_engine
from .scalar import scalar_gradients
from .tape import NotTraceable, survey, tape_gradients

BATCH_ENGINES.append(tape.predict)

__all__ = [
    "ENGINES",
    "EngineChoice",
    "NotTraceable",
    "check_engine",
    "choice",
    "scalar",
    "scalar_gradients",
    "survey",
    "tape",
    "tape_gradients",
]
