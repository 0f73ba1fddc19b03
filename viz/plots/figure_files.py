"""Saving a matplotlib figure to a file in one step, and closing it."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt

from ..files import write_atomic

DPI = 130  # sharp on a projector, a few hundred kB per picture


def save_png(fig, path: str | Path, dpi: int = DPI) -> Path:
    """Write ``fig`` as a PNG at ``path`` atomically (see ``write_atomic``), then close it.

    A command line makes many figures and shows none: closing each one frees it at once.
    """
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return write_atomic(path, buffer.getvalue())
