"""The one error of ``nn.from_torch``: this torch module, at this path, has no nn form, because ..."""

from __future__ import annotations


def cannot(path: str, module, why: str) -> ValueError:
    """A ValueError naming the module's path in the torch model, its type and the reason."""
    where = f"'{path}'" if path else "the top-level module"
    cls = type(module)
    # torch's own classes by the name users write (torch.nn.ReLU, not torch.nn.modules.activation.ReLU)
    home = "torch.nn" if cls.__module__.startswith("torch.nn.modules.") else cls.__module__
    kind = f"{home}.{cls.__qualname__}"
    return ValueError(f"nn.from_torch cannot represent {where} ({kind}): {why}")


def join(prefix: str, name: str) -> str:
    """A dotted path: join("layers.0", "linear") == "layers.0.linear"; join("", "block") == "block"."""
    return f"{prefix}.{name}" if prefix else name
