"""``compare_with_torch``: the same model, data and loss in nn and in torch, number by number."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import LOSSES
from . import kinds
from .comparison import Comparison, GradientRow
from .convert import to_torch, torch_names


def _hinge(scores, y):
    t = y.reshape(-1)
    if (t == 0).any():  # 0/1 labels are read as -1/+1, as nn.hinge reads them
        t = 2.0 * t - 1.0
    return torch.relu(1.0 - t * scores[:, 0]).mean()


TORCH_LOSSES = {
    LOSSES["mse"]: lambda out, y: F.mse_loss(out, y.reshape(out.shape[0], -1)),
    LOSSES["bce"]: lambda out, y: F.binary_cross_entropy_with_logits(out[:, 0], y.reshape(-1)),
    LOSSES["cross_entropy"]: lambda out, y: F.cross_entropy(out, y.reshape(-1).long()),
    LOSSES["hinge"]: _hinge,
}
"""nn's batch loss -> the same loss written with torch, (outputs (n, k), targets) -> scalar."""


def torch_loss_for(loss):
    """The torch form of ``loss`` (a name in nn.LOSSES or the function), else a ValueError."""
    function = LOSSES.get(loss, loss) if isinstance(loss, str) else loss
    if function not in TORCH_LOSSES:
        names = ", ".join(name for name, f in LOSSES.items() if f in TORCH_LOSSES)
        raise ValueError(
            f"compare_with_torch: loss must be one of {names} (or give torch_loss=), got {loss!r}"
        )
    return TORCH_LOSSES[function]


def compare(model, X, y, loss, torch_loss=None, show=True, rows_shown=10) -> Comparison:
    """``nn.compare_with_torch`` (documented there)."""
    our_loss = LOSSES.get(loss) if isinstance(loss, str) else loss
    if not callable(our_loss):
        raise ValueError(
            f"compare_with_torch: loss must be one of {', '.join(LOSSES)} or a function, got {loss!r}"
        )
    their_loss = torch_loss or torch_loss_for(loss)
    module = to_torch(model)  # before our pass, which moves BatchNorm's running statistics

    saved_state, saved_grads = model.state_dict(), [p.grad for p in model.parameters()]
    try:
        model.zero_grad()
        outputs = model.forward_batch(X)
        value = our_loss(outputs, y)
        value.backward()
        our_outputs = np.array([[o.data for o in row] for row in outputs])
        grads = {name: p.grad for name, p in model.named_parameters()}
    finally:  # an inspection: the model keeps its running statistics and gradients
        model.load_state_dict(saved_state)
        for p, g in zip(model.parameters(), saved_grads):
            p.grad = g

    inputs = np.asarray(X, dtype=float).reshape(len(outputs), model.nin)  # (n,) for one input, as nn takes it
    out = module(torch.as_tensor(inputs, dtype=torch.float64))
    their_value = their_loss(out, torch.as_tensor(np.asarray(y, dtype=float), dtype=torch.float64))
    their_value.backward()
    tensors = dict(module.named_parameters())
    names = torch_names(model)
    gradients = [
        GradientRow(ours, names[ours], grads[ours], tensors[theirs].grad[index].item())
        for ours, theirs, index in kinds.rows_of(model)
        if ours in grads
    ]
    result = Comparison(our_outputs, out.detach().numpy(), value.data, their_value.item(), gradients)
    if show:
        print(result.report(rows_shown, getattr(loss, "__name__", loss)))
    return result
