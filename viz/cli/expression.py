"""A typed expression such as "sin(w1*x + log(x)) + cos(x)" turned into a graph of Values.

The text is parsed, never run: Python's ``ast`` reads it, and only an allow-list of
node types gets through (numbers, names, + - * / **, unary - and +, brackets, and calls
to the engine's functions by name). Everything else is refused with the column where it
starts. The checks that stop hostile input come before the parser sees it: a length
limit, ASCII only, and a bracket-depth limit; after parsing, a nesting limit. Numbers
are floats, so no arithmetic on huge integers can run for ever (9**9**9 overflows a
float at once and is refused).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import autograd

MAX_LENGTH = 2000  # characters; checked before anything else
MAX_BRACKETS = 40  # bracket depth, checked by a scan before parsing
MAX_NESTING = 200  # depth of the parsed expression (a sum of 150 terms is 150 deep)


def _functions() -> dict:
    """The functions an expression may call: every function of the engine's op table, and abs.

    An n-ary function (sum, logsumexp) takes its inputs as arguments here: sum(x, y, 2).
    """
    functions = {}
    for op in autograd.TABLE.values():
        if op.function:
            engine = getattr(autograd, op.function)
            functions[op.function] = engine if op.arity == 1 else (lambda *args, f=engine: f(args))
    functions["abs"] = abs  # Value.__abs__ is the engine's abs op; on a number, the number's abs
    return functions


FUNCTIONS = _functions()
SETTINGS = {  # functions with an optional numeric 2nd argument: leaky_relu's slope, elu's alpha
    op.function: op.family[0] for op in autograd.TABLE.values() if op.function and op.family
}
ANY_NUMBER = {op.function for op in autograd.TABLE.values() if op.function and op.arity is None}
"""Functions of any number (at least one) of inputs: sum, logsumexp."""

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED = {
    ast.Attribute: "attribute access (.name) is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "the walrus operator := is not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.Tuple: "a comma is only allowed between a function's arguments",
    ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Starred: "starred arguments (*args) are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}
ALLOWED = "numbers, variable names, + - * / **, unary -, brackets, and the functions " + ", ".join(FUNCTIONS)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class ExpressionError(ValueError):
    """The expression cannot be used; the message starts with the (1-based) column."""

    def __init__(self, message: str, column: int | None = None):
        self.column = column
        super().__init__(f"column {column}: {message}" if column else message)


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression; ``evaluate`` builds its graph."""

    text: str
    tree: ast.Expression
    variables: tuple[str, ...]  # in order of first appearance

    def evaluate(self, values: Mapping[str, float]) -> tuple[autograd.Value, dict[str, autograd.Value]]:
        """The expression's output Value and the leaf Value of each variable (labelled by name).

        Raises ExpressionError for a missing or extra value, and for a value where an op
        is not defined (log of -1), with the column of that op.
        """
        for name in self.variables:
            if name not in values:
                raise ExpressionError(
                    f"no value for the variable {name}: add --at {name}=NUMBER", self._column_of(name)
                )
        extra = [name for name in values if name not in self.variables]
        if extra:
            known = ", ".join(self.variables) or "none"
            raise ExpressionError(
                f"--at {extra[0]}: {extra[0]} is not in the expression (its variables: {known})"
            )
        leaves = {name: autograd.Value(values[name], label=name) for name in self.variables}
        result = _evaluate(self.tree.body, leaves, self.text)
        if not isinstance(result, autograd.Value):
            result = autograd.Constant(result)
        return result, leaves

    def _column_of(self, name: str) -> int:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id == name:
                return node.col_offset + 1
        return 1


def parse(text: str) -> Expression:
    """Check and parse ``text``; raises ExpressionError naming what is wrong and where."""
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text):,} characters long; the limit is {MAX_LENGTH:,}", MAX_LENGTH + 1
        )
    if not text.strip():
        raise ExpressionError("the expression is empty", 1)
    for i, ch in enumerate(text):
        if not (" " <= ch <= "~"):
            raise ExpressionError(
                f"only printable ASCII characters are allowed, got {ch!r}; the expression must be one line",
                i + 1,
            )
    _check_brackets(text)
    indent = len(text) - len(text.lstrip())  # the parser refuses leading spaces; columns count them
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not a valid expression ({error.msg})", (error.offset or 1) + indent) from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise ExpressionError(f"not a valid expression ({error})") from None
    for node in ast.walk(tree):
        if hasattr(node, "col_offset"):
            node.col_offset += indent
            node.end_col_offset += indent
    variables = _check(tree, text)
    return Expression(text, tree, variables)


def _check_brackets(text: str) -> None:
    """Refuse bracket nesting deeper than MAX_BRACKETS before the parser recurses into it."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_BRACKETS:
                raise ExpressionError(f"brackets nested more than {MAX_BRACKETS} deep", i + 1)
        elif ch in ")]}":
            depth -= 1


def _check(tree: ast.Expression, text: str) -> tuple[str, ...]:
    """Walk the tree (with a stack, not recursion) and refuse anything off the allow-list.

    Of several problems, the one furthest left is reported. Returns the variable names.
    """
    problems = []
    names: dict[str, int] = {}
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            problems.append(
                (node.col_offset + 1, f"the expression nests more than {MAX_NESTING} operations deep")
            )
            continue
        problem = _problem(node, text)
        if problem is not None:
            problems.append(problem)
            continue
        if isinstance(node, ast.Name):
            names.setdefault(node.id, node.col_offset)
        stack.extend((child, depth + 1) for child in _operands(node))
    if problems:
        column, message = min(problems)
        raise ExpressionError(message, column)
    return tuple(sorted(names, key=names.get))


def _operands(node) -> list:
    """The sub-expressions of an allowed node (a call's name is not one)."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _problem(node, text: str) -> tuple[int, str] | None:
    """(column, message) when the node is not allowed, else None."""
    column = getattr(node, "col_offset", 0) + 1
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            return _operator_column(
                node, text
            ), f"the operator {_symbol(node, text)} is not allowed; allowed: {ALLOWED}"
        return None
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            word = "not" if isinstance(node.op, ast.Not) else "~"
            return column, f"the operator {word} is not allowed; allowed: {ALLOWED}"
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        if type(value) in (int, float):
            return None
        what = {
            str: "strings are",
            bytes: "strings are",
            complex: "complex numbers are",
            bool: "True / False are",
        }
        return column, f"{what.get(type(value), f'{value!r} is')} not allowed; allowed: {ALLOWED}"
    if isinstance(node, ast.Name):
        return _name_problem(node.id, column)
    if isinstance(node, ast.Call):
        return _call_problem(node, column, text)
    if isinstance(node, ast.Attribute):
        while isinstance(node.value, ast.Attribute):
            node = node.value  # report the first dot of x.y.z
        return node.value.end_col_offset + 1, _REFUSED[ast.Attribute]
    message = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed")
    return column, f"{message}; allowed: {ALLOWED}"


def _name_problem(name: str, column: int) -> tuple[int, str] | None:
    if name.startswith("_"):
        return column, f"names starting with _ are not allowed, got {name}"
    if name in FUNCTIONS:
        return column, f"{name} is a function: call it, as in {name}(x)"
    return None


def _call_problem(node: ast.Call, column: int, text: str) -> tuple[int, str] | None:
    func = node.func
    if not isinstance(func, ast.Name):
        if isinstance(func, ast.Attribute):
            return _problem(func, text)
        return column, f"only the engine's functions can be called, by name: {', '.join(FUNCTIONS)}"
    name = func.id
    if name.startswith("_"):
        return column, f"names starting with _ are not allowed, got {name}"
    if name not in FUNCTIONS:
        return column, f"unknown function {name}; the functions are: {', '.join(FUNCTIONS)}"
    if node.keywords:
        keyword = node.keywords[0]
        hint = f"; write {name}(x, {SETTINGS[name]})" if name in SETTINGS else ""
        return keyword.col_offset + 1, f"keyword arguments are not allowed{hint}"
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            return arg.col_offset + 1, _REFUSED[ast.Starred]
    most = len(node.args) if name in ANY_NUMBER else 2 if name in SETTINGS else 1
    if not 1 <= len(node.args) <= most:
        if name in ANY_NUMBER:
            takes = "1 or more arguments"
        else:
            takes = f"1 or 2 arguments (x, {SETTINGS[name]})" if name in SETTINGS else "1 argument"
        return column, f"{name} takes {takes}, got {len(node.args)}"
    return None


def _operator_column(node: ast.BinOp, text: str) -> int:
    """The column of a binary operator: the first non-space, non-bracket after the left operand."""
    i = node.left.end_col_offset
    while i < len(text) and text[i] in " )":
        i += 1
    return i + 1


def _symbol(node: ast.BinOp, text: str) -> str:
    i = _operator_column(node, text) - 1
    return text[i : i + 2].strip() if text[i : i + 2] in ("//", "<<", ">>") else text[i]


def _evaluate(node, leaves, text: str):
    """The value of a checked node: a Value where a variable is involved, else a float.

    Numbers combine as floats, as Python would combine them before the engine sees them
    (so 2*3*x has one constant, 6). Depth is at most MAX_NESTING, checked before.
    """
    column = getattr(node, "col_offset", 0) + 1
    if isinstance(node, ast.Constant):
        return _finite(node.value, column)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        a = _evaluate(node.operand, leaves, text)
        return _engine(lambda: -a if isinstance(node.op, ast.USub) else a, column)
    if isinstance(node, ast.BinOp):
        a, b = _evaluate(node.left, leaves, text), _evaluate(node.right, leaves, text)
        op = _OPERATORS[type(node.op)]
        column = _operator_column(node, text)
        if isinstance(b, float) and op == "**":
            b = _exponent(b)
        if isinstance(a, float) and not isinstance(b, autograd.Value):
            return _number(op, a, b, column)
        return _engine(lambda: _apply(op, a, b), column)
    name = node.func.id
    args = [_evaluate(arg, leaves, text) for arg in node.args]
    if name in SETTINGS and len(args) == 2 and isinstance(args[1], autograd.Value):
        raise ExpressionError(
            f"the {SETTINGS[name]} of {name} must be a number, not an expression of variables",
            node.args[1].col_offset + 1,
        )
    return _engine(lambda: FUNCTIONS[name](*args), column)


def _apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a**b


def _number(op, a: float, b, column: int) -> float:
    """Arithmetic on two numbers, refusing what has no finite real answer (9**9**9, 1/0)."""
    try:
        result = _apply(op, a, b)
    except OverflowError:
        raise ExpressionError(f"{_show(a)} {op} {_show(b)} is too large for a float", column) from None
    except ZeroDivisionError:
        raise ExpressionError(f"{_show(a)} {op} {_show(b)} divides by zero", column) from None
    if isinstance(result, complex):
        raise ExpressionError(
            f"this {op} has no real value (a negative number to a fractional power)", column
        )
    return _finite(result, column)


def _show(x) -> str:
    return f"{x:.6g}"


def _exponent(k: float):
    """A whole-number exponent as an int, so the picture says ^2 and not ^2.0."""
    return int(k) if k.is_integer() and abs(k) < 2**53 else k


def _finite(x, column: int) -> float:
    try:
        x = float(x)
    except OverflowError:
        raise ExpressionError("this number is too large for a float", column) from None
    if not math.isfinite(x):
        raise ExpressionError("this number is too large for a float", column)
    return x


def _engine(compute, column: int):
    """Run one engine op; its DomainError (log of -1) becomes an ExpressionError at the op's column."""
    try:
        return compute()
    except (autograd.DomainError, ValueError, ArithmeticError) as error:
        if isinstance(error, ExpressionError):
            raise
        raise ExpressionError(str(error), column) from None


def parse_values(items) -> dict[str, float]:
    """{'x': 2.0, 'w1': 0.5} from ["x=2", "w1=0.5"] (also "x=2,w1=0.5"); numbers are read, never run."""
    values: dict[str, float] = {}
    for item in items:
        for part in item.split(","):
            if not part:
                continue
            name, sep, number = part.partition("=")
            name, number = name.strip(), number.strip()
            if not sep or not _NAME.fullmatch(name) or len(name) > 100:
                raise ExpressionError(f"--at {part[:40]!r}: expected NAME=NUMBER, as in x=2 or w1=-0.5")
            if name in FUNCTIONS:
                raise ExpressionError(f"--at {name}: {name} is a function, not a variable")
            if len(number) > 100 or not _NUMBER.fullmatch(number):
                raise ExpressionError(
                    f"--at {name}: {number[:40]!r} is not a number (write e.g. 2, -0.5 or 1e-3)"
                )
            value = float(number)
            if not math.isfinite(value):
                raise ExpressionError(f"--at {name}: {number[:40]} is too large for a float")
            if name in values:
                raise ExpressionError(f"--at {name}: given twice")
            values[name] = value
    return values
