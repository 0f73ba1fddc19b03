"""Every matplotlib plot: decision boundaries, features, training curves, activations, loss landscapes.

Each plot function takes ``ax=None`` and returns what it drew on. ``plane`` is the
(x1, x2) plane the Playground draws over, ``colors`` its orange and blue, and
``figure_files`` saves a figure in one step.
"""

from .activations import plot_activation_histograms, plot_activations
from .boundary import plot_decision_boundary, plot_hidden_space
from .features import plot_feature_space
from .landscape import plot_loss_landscape
from .training import plot_gradient_flow, plot_history

__all__ = [
    "plot_decision_boundary",
    "plot_hidden_space",
    "plot_feature_space",
    "plot_history",
    "plot_gradient_flow",
    "plot_activations",
    "plot_activation_histograms",
    "plot_loss_landscape",
]
