"""viz: pictures of computation graphs, backprop step by step, networks and training."""

try:
    from nn._own_packages import require_own
# A missing module means another project's `nn` came first on the path; any other
# ImportError comes from our nn itself (a foreign autograd) and already says what is wrong.
except ModuleNotFoundError as error:
    raise ImportError(
        "`import nn` did not find backprop-lab's nn package (another project named nn is "
        "installed in this environment). Use backprop-lab in a virtual environment of its "
        "own: python3 -m venv .venv && .venv/bin/pip install -e ."
    ) from error

require_own("autograd")
require_own("nn")

BACKPROP_LAB = True
"""Marks this viz as backprop-lab's."""

# The subpackages, lowest first: graph <- steps, plots <- network <- cli (import-linter checks it).

from nn import compare_with_torch  # noqa: E402  (the bridge to PyTorch lives in nn; shown here too)

from .graph import GraphvizNotFound, draw_graph, render  # noqa: E402  (after the check above)
from .network import draw_network  # noqa: E402
from .plots import (  # noqa: E402
    plot_activation_histograms,
    plot_activations,
    plot_decision_boundary,
    plot_feature_space,
    plot_gradient_flow,
    plot_hidden_space,
    plot_history,
    plot_loss_landscape,
)
from .steps import (  # noqa: E402
    BackwardStep,
    ForwardStep,
    InputGrad,
    SeedStep,
    StepPlayer,
    backprop_steps,
    save_steps_html,
    save_steps_svg,
)

# isort: split
# The live widgets come last: they use the names above (ipywidgets is checked when one is made).
from .live import Backprop, Playground  # noqa: E402

__all__ = [
    "draw_graph",
    "render",
    "GraphvizNotFound",
    "backprop_steps",
    "ForwardStep",
    "SeedStep",
    "BackwardStep",
    "InputGrad",
    "save_steps_html",
    "save_steps_svg",
    "StepPlayer",
    "plot_decision_boundary",
    "plot_hidden_space",
    "plot_feature_space",
    "plot_history",
    "plot_gradient_flow",
    "plot_activations",
    "plot_activation_histograms",
    "plot_loss_landscape",
    "draw_network",
    "Playground",
    "Backprop",
    "compare_with_torch",
]
