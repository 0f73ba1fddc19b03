"""History: what ``fit`` measured, one entry per epoch, and its CSV file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from .files import write_atomic


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch in each list.

    ``loss`` and ``accuracy`` are the training batches' mean loss and accuracy during
    the epoch (each batch measured just before its update); ``val_loss`` and
    ``val_accuracy`` come from ``validation`` after the epoch, in evaluation mode (None
    without validation; accuracies are None for regression targets). ``lr`` is the rate
    the epoch used, ``time`` its seconds, and ``grad_norms[layer]`` the mean |gradient|
    per weight of that layer (biases left out), averaged over the epoch's steps: the
    gradient-flow picture. ``interrupted`` is True when Ctrl-C ended the training.
    ``engine`` names the engine that ran the steps ("tape" or "scalar"; "tape, scalar"
    if both did) and ``engine_reason`` why the scalar engine ran (None when it did not).
    """

    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    time: list = field(default_factory=list)
    grad_norms: dict = field(default_factory=dict)
    interrupted: bool = False
    engine: str = ""
    engine_reason: str | None = None

    COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time")

    def __len__(self):
        return len(self.epoch)

    def rows(self) -> list[dict]:
        """One dict per epoch: the columns above and ``grad_norm[<layer>]`` for each layer."""
        out = []
        for i in range(len(self)):
            row = {c: getattr(self, c)[i] for c in self.COLUMNS}
            row.update({f"grad_norm[{name}]": values[i] for name, values in self.grad_norms.items()})
            out.append(row)
        return out

    def to_csv(self, path):
        """Write ``rows()`` as CSV (a missing value is an empty cell), atomically (``nn.files``)."""
        rows = self.rows()
        names = list(self.COLUMNS) + [f"grad_norm[{name}]" for name in self.grad_norms]

        def write(f):
            writer = csv.DictWriter(f, fieldnames=names)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)

        write_atomic(path, write)

    def _add(self, epoch, loss, accuracy, val, lr, seconds, grads):
        self.epoch.append(epoch)
        self.loss.append(loss)
        self.accuracy.append(accuracy)
        self.val_loss.append(val[0])
        self.val_accuracy.append(val[1])
        self.lr.append(lr)
        self.time.append(seconds)
        for name, value in grads.items():
            self.grad_norms.setdefault(name, []).append(value)
