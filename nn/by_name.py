"""Choosing by name: activations, inits, losses, optimisers, schedules, data sets."""

from __future__ import annotations


def lookup(table: dict, name, what: str, functions_too: bool = False):
    """``table[name]``, or a ValueError that names ``what`` and lists the valid names.

    With ``functions_too``, a function passed instead of a name is returned as it is.
    """
    if functions_too and callable(name):
        return name
    if not isinstance(name, str) or name not in table:
        also = " (or a function)" if functions_too else ""
        raise ValueError(f"unknown {what} {name!r}; expected one of: {', '.join(table)}{also}")
    return table[name]
