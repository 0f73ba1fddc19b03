"""Value: one scalar in a computation graph, and the ops that build the graph.

Every arithmetic operator and function makes a new Value that remembers the op that made
it (``op``) and its operands (``parents``). That record is the computation graph;
``backward()`` walks it from the output to the leaves and applies the chain rule.

A node holds no closure and no reference back to itself, so a graph is freed as soon as
its output is no longer referenced (no reference cycles for the garbage collector).
"""

from __future__ import annotations

import gc
import inspect
import math
from numbers import Real

from . import backprop, ops
from .context import STATE
from .errors import DomainError, domain_error, not_finite_error
from .mathspaces import FLOATS

_new = object.__new__
_collector_on, _pause_collector, _resume_collector = gc.isenabled, gc.disable, gc.enable


def _operator(op: ops.Op, reflected: bool = False):
    """The method of a binary operator: ``x + y`` (or, reflected, ``2 + x``) applies op.

    The one place where an operand that is not a Value is taken in: a plain number is
    kept as a float in the node and becomes a Constant leaf when ``parents`` is read,
    anything else gives NotImplemented (Python then tries the other side, or raises its
    TypeError).
    """

    def operator(self, other):
        if other.__class__ is not Value and not isinstance(other, Value):
            try:
                other = _constant(other)
            except DomainError:
                raise _not_finite_operand(op, "a" if reflected else "b", other) from None
            if other is None:
                return NotImplemented
        return _binary(op, other, self) if reflected else _binary(op, self, other)

    operator.__doc__ = (
        f"{'Reflected: ' if reflected else ''}{op.formula} ({op.name}); plain numbers become Constants."
    )
    return operator


class Value:
    """A scalar that records how it was computed, so its gradient can be found.

    ``data`` is the number, ``grad`` the derivative of the last ``backward()``'s output
    with respect to it, ``label`` a name for pictures ("w1", "x"), ``op`` the name of the
    op that made it ("" for leaves) and ``made_by`` that op's entry in the op table,
    ``parents`` its operands as a tuple (``a + a`` has the parents ``(a, a)``: two edges,
    both carry gradient) and ``scope`` the innermost ``autograd.scope`` it was made in
    (None outside any). Every function of the op table is also a method: ``x.sin()``,
    ``x.leaky_relu(slope=0.1)``.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad      # dy/dx = 2x + 3
    7.0
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "scope")
    is_constant = False  # True for Constants: plain numbers, whose gradient nobody asks for

    def __init__(self, data, label: str = ""):
        self.data = as_float(data, type(self).__name__)
        self.grad = 0.0
        self.label = _check_label(label)
        self._op = None
        self._a = self._b = None
        self.scope = STATE.scope

    # The operands live in two slots, not in a tuple: one object per node instead of two
    # for the cyclic garbage collector to scan (about a quarter of the time to build a
    # graph). _a is None for a leaf, the operand of a unary op, the first of a binary op
    # (_b the second), or the tuple of operands of an n-ary op (sum, logsumexp).
    # A plain number operand of a binary op (the 0.5 of x * 0.5) is kept as a float in
    # its slot: the collector does not track floats, so the node costs one tracked object
    # instead of two. ``parents`` turns it into its Constant leaf the first time someone
    # looks (a picture, the tape), and keeps that leaf, so it is the same object after.
    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands of the op that made this node, in order, repeats kept."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        b = self._b
        if b is None:
            return (a,)
        if type(a) is float:
            self._a = a = _unfolded(self, a, 0)
        elif type(b) is float:
            self._b = b = _unfolded(self, b, 1)
        return (a, b)

    @property
    def op(self) -> str:
        """The name of the op that made this node ("add", "sin", ...), "" for a leaf."""
        return "" if self._op is None else self._op.name

    @property
    def made_by(self) -> ops.Op | None:
        """The op table's entry for the op that made this node (None for a leaf)."""
        return self._op

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes no op made."""
        return self._op is None

    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, from the op table (empty for a leaf)."""
        if self._op is None:
            return ()
        return _local_floats(self)

    def __repr__(self):
        extra = f", label={self.label!r}" if self.label else ""
        if self._op is not None:
            extra += f", op={self._op.name!r}"
        return f"{type(self).__name__}(data={self.data:.6g}, grad={_fmt(self.grad)}{extra})"

    def __float__(self):
        return self.data

    # Arithmetic. Plain numbers on either side become Constant leaves (see parents).
    __add__ = _operator(ops.ADD)
    __radd__ = _operator(ops.ADD, reflected=True)
    __sub__ = _operator(ops.SUB)
    __rsub__ = _operator(ops.SUB, reflected=True)
    __mul__ = _operator(ops.MUL)
    __rmul__ = _operator(ops.MUL, reflected=True)
    __truediv__ = _operator(ops.DIV)
    __rtruediv__ = _operator(ops.DIV, reflected=True)

    def __pow__(self, other):
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        if type(other) is int or (isinstance(other, Real) and type(other) is not bool):
            as_float(other, "powc: the exponent k of a ** k")
            return _unary(ops.POWC.bind(k=other), self)
        return NotImplemented

    def __rpow__(self, other):
        try:
            other = _constant(other)
        except DomainError:
            raise _not_finite_operand(ops.POW, "a", other) from None
        return NotImplemented if other is None else _binary(ops.POW, other, self)

    def __neg__(self):
        return _unary(ops.NEG, self)

    def __abs__(self):
        return _unary(ops.ABS, self)

    # The functions (x.exp(), x.sin(), ...) are made from the op table: see _install_functions.

    # Gradients.
    def backward(self, create_graph: bool = False):
        """Fill in ``grad`` of every node this one depends on: d self / d node.

        Interior nodes show the gradient of this pass. Leaves (inputs, parameters)
        accumulate: a second ``backward()`` adds to their ``grad``, as in PyTorch,
        until ``zero_grad()`` sets it back to 0. A plain number's Constant (the 3 of
        ``3 * x``) is the exception: it shows the gradient of the last pass only (see
        ``Constant``). With ``create_graph=True`` the
        gradients are Values, themselves graphs, so they can be differentiated again;
        a leaf's grad then refers to a graph that uses the leaf (a reference cycle, as in
        PyTorch): call ``zero_grad()`` when done, or use ``autograd.grad``, which
        returns the gradient graphs without storing them.

        A node whose gradient is exactly 0 passes nothing on (``sqrt(x) * 0`` at 0 gives
        0). A DomainError when a leaf's gradient overflows, except a Constant's, which
        nobody asks for; after any error every leaf's ``grad`` is as it was before the call.
        The details: ``autograd.backward``.
        """
        backprop.backward(self, create_graph)

    def zero_grad(self):
        """Set ``grad`` to 0 on this node and on every node it depends on."""
        for v in backprop.topological_order(self):
            v.grad = 0.0


class Parameter(Value):
    """A leaf that training changes: nn makes every weight and bias a Parameter."""

    __slots__ = ()


class Constant(Value):
    """A plain number that entered the graph as an operand, such as the 3 in ``3 * x``.

    Its ``grad`` is d output / d number. Until someone reads the ``parents`` of the node
    that uses it, the number is a float inside that node (no object to track, see
    ``Value.parents``), and backward does not compute its gradient; the Constant is made
    then, with the gradient of the last backward pass (not a sum over earlier passes: a
    number is nobody's parameter). From then on it is a leaf like any other.
    """

    __slots__ = ()
    is_constant = True


def as_float(x, what: str = "Value") -> float:
    """x as a finite float, or a clear TypeError / DomainError saying what was expected."""
    kind = type(x)
    if kind is float:
        f = x
    elif kind is int or (isinstance(x, Real) and kind is not bool):
        try:
            f = float(x)
        except OverflowError:
            raise DomainError(f"{what} needs a finite number, got an integer too large for a float") from None
    else:
        raise TypeError(f"{what} needs a real number, got {kind.__name__} {x!r}")
    if f - f != 0.0:  # inf or nan
        raise not_finite_error(what, f)
    return f


def as_value(x) -> Value:
    """x itself if it is a Value, else x as a Constant leaf."""
    return x if isinstance(x, Value) else Constant(x)


def operand(op: ops.Op, x) -> Value:
    """x as the operand of a one-input op: x itself if a Value, else a Constant; nan names op."""
    if isinstance(x, Value):
        return x
    try:
        return Constant(x)
    except DomainError:
        raise _not_finite_operand(op, "a", x) from None


def _not_finite_operand(op, name, x) -> DomainError:
    got = "an integer too large for a float" if isinstance(x, int) else repr(x)
    return DomainError(f"{op.name}: {op.formula} needs a finite number as {name}, got {got}")


def _first_not_finite(op, operands) -> DomainError:
    """The error naming the first operand of op that is a number but not a finite float."""
    for i, x in enumerate(operands):
        if not isinstance(x, Value):
            try:
                as_float(x)
            except DomainError:
                name = f"a{i + 1}" if op.arity is None or i > 1 else "ab"[i]
                return _not_finite_operand(op, name, x)
    raise AssertionError("called only when an operand is not finite")


def _constant(x):
    """x as a constant operand: a finite float, kept in its node until ``parents`` makes
    it a Constant leaf (see Value.parents); None when x is not a real number."""
    kind = type(x)
    if kind is not float and kind is not int and (kind is bool or not isinstance(x, Real)):
        return None
    return as_float(x, "Constant")


def _constant_leaf(x: float, scope):
    c = _new(Constant)
    c.data = x
    c.grad = 0.0
    c.label = ""
    c._op = None
    c._a = c._b = None
    c.scope = scope
    return c


def _unfolded(v, x: float, k: int):
    """The Constant leaf of the number x, operand k of node v, with the gradient the last
    backward pass would have given it: d out / d x = v.grad * d v / d x (x is used by v only)."""
    c = _constant_leaf(x, v.scope)
    g = v.grad
    if type(g) is float and g != 0.0:
        operands = (x, v._b.data) if k == 0 else (v._a.data, x)
        try:
            c.grad = g * v._op.local(FLOATS, v.data, *operands)[k]
        except ArithmeticError:
            c.grad = math.inf  # the derivative overflows; backward never needed it
    return c


def _check_label(label):
    if not isinstance(label, str):
        raise TypeError(f"label needs a str, got {type(label).__name__} {label!r}")
    return label


def _fmt(g):
    return f"{g:.6g}" if isinstance(g, float) else repr(g)


def _node(op, out, a, b=None):
    """The node for ``out``, made by op from a (and b, or a tuple a), after checking that
    out is a finite float."""
    if out - out != 0.0:  # inf - inf and nan - nan are nan
        parents = a if type(a) is tuple else (a,) if b is None else (a, b)
        raise domain_error(op, parents, f"{op.formula} overflows a float")
    # The cyclic collector starts when enough objects have been made since its last run;
    # graphs hold no cycles, so each run during a build scans the growing graph to find
    # nothing in it. A node's allocation therefore never starts a run: the collector is
    # paused for it and resumed at once, and runs at the program's next allocation of
    # its own (nodes still count towards it). A graph is still freed when dropped.
    if _collector_on():
        _pause_collector()
        try:
            v = _new(Value)
        finally:
            _resume_collector()
    else:
        v = _new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    state = STATE
    if state.grad_enabled:
        v._op = op
        v._a = a
        v._b = b
    else:
        v._op = v._a = v._b = None
    v.scope = state.scope
    return v


def _unary(op, a):
    x = a.data
    if op.valid is not None and not op.valid(x):
        raise domain_error(op, (a,))
    try:
        out = op.forward(FLOATS, x)
    except (ArithmeticError, ValueError):
        raise domain_error(op, (a,), f"{op.formula} overflows a float") from None
    return _node(op, out, a)


def _binary(op, a, b):
    """The node op(a, b); one of a and b may be a float (a plain number, see parents)."""
    x = a if a.__class__ is float else a.data
    y = b if b.__class__ is float else b.data
    if op.valid is not None and not op.valid(x, y):
        raise domain_error(op, (a, b))
    try:
        out = op.forward(FLOATS, x, y)
    except (ArithmeticError, ValueError):
        raise domain_error(op, (a, b), f"{op.formula} overflows a float") from None
    return _node(op, out, a, b)


def apply(op: ops.Op, *operands) -> Value:
    """Apply an entry of the op table to Values or numbers (numbers become Constants)."""
    try:
        parents = tuple([x if isinstance(x, Value) else Constant(x) for x in operands])
    except DomainError:
        raise _first_not_finite(op, operands) from None
    if op.family:
        raise TypeError(f"{op.name} needs its settings first: {op.name}.bind({', '.join(op.family)}=...)")
    if op.arity is not None and len(parents) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} operand(s), got {len(parents)}")
    if op.arity is None and not parents:
        raise ValueError(f"{op.name} needs at least one operand")
    if len(parents) == 1 and op.arity == 1:
        return _unary(op, parents[0])
    if op.arity == 2:
        return _binary(op, *parents)
    data = [p.data for p in parents]
    if op.valid is not None and not op.valid(*data):
        raise domain_error(op, parents)
    try:
        out = op.forward(FLOATS, *data)
    except (ArithmeticError, ValueError):
        raise domain_error(op, parents, f"{op.formula} overflows a float") from None
    return _node(op, out, parents)  # an n-ary op keeps its operands as one tuple


def _local_floats(v):
    """The op table's local derivatives of node v, as floats."""
    op, parents = v._op, v.parents
    try:
        if len(parents) == 1:
            return op.local(FLOATS, v.data, parents[0].data)
        if len(parents) == 2:
            return op.local(FLOATS, v.data, parents[0].data, parents[1].data)
        return op.local(FLOATS, v.data, *[p.data for p in parents])
    except ArithmeticError:
        raise domain_error(op, parents, f"the derivative of {op.formula} is infinite here") from None


def _function_method(op: ops.Op):
    """The Value method of a function of the op table: x.sin(), x.leaky_relu(slope=0.2)."""
    if not op.family:

        def method(self):
            return _unary(op, self)

    else:
        (setting,) = op.family  # one setting, with a default (leaky_relu's slope)

        def method(self, *args, **kwargs):
            if len(args) + len(kwargs) > 1 or set(kwargs) - {setting}:
                given = [*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]
                raise TypeError(f"{op.function}() takes one setting, {setting}; got {', '.join(given)}")
            value = args[0] if args else kwargs.get(setting, op.defaults[setting])
            return _unary(op.bind(**{setting: as_float(value, setting)}), self)

        method.__signature__ = inspect.Signature(  # what help() shows: the setting, its default
            [
                inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
                inspect.Parameter(
                    setting, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=op.defaults[setting]
                ),
            ]
        )
    method.__name__ = op.function
    method.__qualname__ = f"Value.{op.function}"
    method.__doc__ = op.doc
    return method


def _install_functions():
    """Give Value one method per one-input function of the op table (x.exp(), x.tanh(), ...)."""
    for op in ops.TABLE.values():
        if op.function and op.arity == 1:
            setattr(Value, op.function, _function_method(op))


_install_functions()
