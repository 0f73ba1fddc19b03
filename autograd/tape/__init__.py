"""The batch tape: one example's graph, recorded once and replayed over a batch with numpy.

Optional reading, beside the engine a student reads (``value.py``, ``backprop.py``). In the
order a tape is made and run:

- ``record``: call fn on placeholder inputs and record the graph it builds (a Program);
- ``schedule``: give each node a row of a buffer and gather same-op nodes into groups;
- ``kernels``: one group run as one numpy operation, forward and backward;
- ``runner``: ``trace`` and ``Tape``, which tie the three together (start reading here).
"""

from .record import TraceError
from .runner import Tape, trace

__all__ = ["trace", "Tape", "TraceError"]
