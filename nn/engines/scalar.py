"""The scalar engine's gradients for one batch: the graph of Values, the path the lecture teaches."""

from __future__ import annotations

import numpy as np

import autograd


def scalar_gradients(model, X, y, loss_fn):
    """``ENGINES["scalar"]``: forward, loss and backward of one batch on the scalar engine: (loss, outputs).

    Leaves every parameter's ``grad`` holding d loss / d parameter; changes no parameter
    (the optimiser's step does). The graph has no reference cycles, so the cyclic garbage
    collector is paused while it is built and freed: it would only scan tens of
    thousands of live nodes for nothing.
    """
    with autograd.gc_paused():
        outputs = model.forward_batch(X)
        loss = loss_fn(outputs, y)
        if not isinstance(loss, autograd.Value):
            raise TypeError(f"the loss function must return a Value, got {type(loss).__name__}")
        model.zero_grad()
        loss.backward()
        values = np.array([[o.data for o in out] for out in outputs], dtype=float)
        result = loss.data
        del outputs, loss  # free the graph while the collector is still paused
    return result, values
