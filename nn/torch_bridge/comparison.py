"""What ``compare_with_torch`` measured: outputs, loss and every gradient, in nn and in torch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class GradientRow:
    """One parameter's d loss / d parameter in nn and in torch."""

    name: str
    torch_name: str
    ours: float
    theirs: float

    @property
    def difference(self) -> float:
        return abs(self.ours - self.theirs)


@dataclass(frozen=True)
class Comparison:
    """The numbers of one comparison; the ``max_*`` differences are absolute."""

    outputs: np.ndarray
    torch_outputs: np.ndarray
    loss: float
    torch_loss: float
    gradients: list[GradientRow] = field(default_factory=list)

    @property
    def max_output_difference(self) -> float:
        return float(np.max(np.abs(self.outputs - self.torch_outputs)))

    @property
    def max_gradient_difference(self) -> float:
        return max((row.difference for row in self.gradients), default=0.0)

    @property
    def max_difference(self) -> float:
        """The largest difference of all: outputs, loss and gradients."""
        return max(self.max_output_difference, abs(self.loss - self.torch_loss), self.max_gradient_difference)

    def report(self, rows_shown: int = 10, loss_name="loss") -> str:
        """The side-by-side table that ``compare_with_torch`` prints."""
        n, k = self.outputs.shape
        name_width = max([len(r.name) for r in self.gradients] + [len("nn name")])
        torch_width = max([len(r.torch_name) for r in self.gradients] + [len("torch name")])
        number = "{:>22.15g} {:>22.15g} {:>9.1e}"
        lines = [f"outputs of {n} examples (the first {min(n, rows_shown)}): nn, torch, difference"]
        for i in range(min(n, rows_shown)):
            for j in range(k):
                a, b = self.outputs[i, j], self.torch_outputs[i, j]
                lines.append(f"  example {i:<4} output {j:<3}" + number.format(a, b, abs(a - b)))
        lines.append(
            f"loss ({loss_name}): "
            + number.format(self.loss, self.torch_loss, abs(self.loss - self.torch_loss))
        )
        lines.append("gradients of the loss:")
        lines.append(
            f"  {'nn name':<{name_width}} {'torch name':<{torch_width}} {'nn':>22} {'torch':>22} {'diff':>9}"
        )
        for r in self.gradients:
            lines.append(
                f"  {r.name:<{name_width}} {r.torch_name:<{torch_width}} "
                + number.format(r.ours, r.theirs, r.difference)
            )
        lines.append(f"largest difference: {self.max_difference:.1e} (outputs, loss and every gradient)")
        return "\n".join(lines)
