"""The engine's exceptions."""


class DomainError(ValueError):
    """An op met a value where it is not defined: log(-1), sqrt(-4), 1/0, exp(1000).

    The message names the op, the operand values and their labels, so the node that
    went wrong can be found in a large graph. Nothing carries on with NaN or inf.
    """


def describe_operands(values) -> str:
    """'a = -1.0 (x), b = 2.0' for the operands of a failing op."""
    names = ["a", "b"] if len(values) <= 2 else [f"a{i + 1}" for i in range(len(values))]
    parts = []
    for name, v in zip(names, values):
        label = getattr(v, "label", "")
        data = getattr(v, "data", v)
        parts.append(f"{name} = {data!r}" + (f" ('{label}')" if label else ""))
    return ", ".join(parts)


def domain_error(op, operands, reason: str | None = None) -> DomainError:
    """The DomainError of an op met by these operands: 'log: log(a) needs a > 0; got a = -1.0'.

    ``reason`` replaces the op's domain rule (an overflow, an infinite derivative).
    """
    return DomainError(f"{op.name}: {reason or op.domain}; got {describe_operands(operands)}")
