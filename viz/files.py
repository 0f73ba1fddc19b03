"""Writing files so that a failure never leaves a half-written one behind (nn's writer, for viz)."""

from nn.files import write_atomic

__all__ = ["write_atomic"]
