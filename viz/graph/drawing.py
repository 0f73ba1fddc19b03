"""Computation graphs as pictures: every value with its data and gradient, every op between.

The picture is the lecture's (and micrograd's): a box per value, a circle per op,
value -> op -> value. It is built from the live objects and never changes them.
``draw_graph`` returns a ``graphviz.Digraph`` and does nothing else: ``viz.graph.dot``
lays it out and writes files.

Its element ids are stable (``viz.graph.ids``). Each node has a CSS class for its kind:
input, parameter, constant, intermediate, output, op (plus the op's name, e.g. ``op-sin``),
group.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz

import autograd

from . import style
from .collapse import COLLAPSE_KINDS, group_nodes
from .ids import edge_id, node_order, op_id, out_edge_id, outputs_of, value_id
from .names import picture_names

COLOR_BY = ("kind", "grad")
RANKDIRS = ("LR", "TB", "RL", "BT")


@dataclass(frozen=True)
class _Options:
    rankdir: str
    show_data: bool
    show_grad: bool
    local_grads: bool
    color_by: str
    collapse: str | None
    max_nodes: int
    legend: bool
    names: bool
    grads: object


def draw_graph(
    root,
    *,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool = True,
    local_grads: bool = False,
    color_by: str = "kind",
    collapse: str | None = None,
    max_nodes: int = 400,
    legend: bool = True,
    names: bool = True,
    grads=None,
) -> graphviz.Digraph:
    """The computation graph of ``root`` as a ``graphviz.Digraph`` (shows inline in Jupyter).

    ``root`` is the output Value, or a list of outputs drawn together (a layer's neurons).

    - ``show_data`` / ``show_grad``: print each value's data / grad in its box.
    - ``local_grads``: label each edge operand -> op with the local derivative
      d out / d operand, from the op table, so the chain rule can be read off the picture:
      grad(operand) += grad(out) * (the number on the edge).
    - ``color_by="grad"``: shade nodes and edges by |grad| on a log scale (vanishing
      gradients fade to pale yellow), with a legend; ``"kind"`` colours by node kind.
    - ``collapse="neuron"`` or ``"layer"``: one box per neuron or layer of an nn network.
    - ``max_nodes``: a larger uncollapsed graph raises ValueError (suggesting ``collapse``).
    - ``legend``: name the colours under the picture.
    - ``names``: write in each unlabelled box its short expression ("w1 * x"), or s and h
      in a neuron (its weighted sum and activation), in italics.
    - ``grads``: a mapping node -> gradient to print instead of each node's ``.grad``.
    """
    roots = outputs_of(root)
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}, got {color_by!r}")
    if collapse is not None and collapse not in COLLAPSE_KINDS:
        raise ValueError(f"collapse must be one of {COLLAPSE_KINDS} or None, got {collapse!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    order = node_order(roots)
    if collapse is None and len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order):,} nodes, more than max_nodes={max_nodes}: Graphviz would take "
            f"very long and the picture would be unreadable. For a network from nn draw it with "
            f"collapse='neuron' or collapse='layer'; otherwise draw a smaller expression or raise max_nodes."
        )
    options = _Options(
        rankdir, show_data, show_grad, local_grads, color_by, collapse, max_nodes, legend, names, grads
    )
    return _Drawing(order, roots, options).dot


class _Drawing:
    """Builds the Digraph: value boxes, op circles, collapsed groups, edges, legend."""

    def __init__(self, order, roots, options: _Options):
        self.roots = roots
        self.show_data, self.show_grad = options.show_data, options.show_grad
        self.local_grads = options.local_grads
        self.ids = {v: i for i, v in enumerate(order)}
        self.names = picture_names(order) if options.names else {}
        grads = options.grads
        self.grad = (
            (lambda v: _as_float(grads.get(v, 0.0))) if grads is not None else (lambda v: _as_float(v.grad))
        )
        collapse = options.collapse
        self.group_of = group_nodes(order, roots, collapse) if collapse else {}
        groups = sorted(set(self.group_of.values()), key=lambda g: g.index)
        drawn = len(groups) + sum(1 for v in order if v not in self.group_of)
        if drawn > options.max_nodes:
            raise ValueError(
                f"even collapsed by {collapse}, the picture has {drawn:,} boxes, "
                f"more than max_nodes={options.max_nodes}: "
                + ("try collapse='layer', or " if collapse == "neuron" else "")
                + "raise max_nodes"
            )
        self.locals = {v: _local_grads(v) for v in order if v.parents and v not in self.group_of}
        self.scale = style.GradScale(self._magnitudes(order, groups)) if options.color_by == "grad" else None

        self.dot = graphviz.Digraph(
            name="computation_graph",
            graph_attr={
                "rankdir": options.rankdir,
                "fontname": style.FONT,
                "fontsize": style.FONT_SIZE,
                "nodesep": "0.3",
                # A collapsed network has many edges between neighbouring layers: room to see them fan out.
                "ranksep": "1.4" if collapse else "0.45",
                "bgcolor": "white",
                "labelloc": "b",
                "ordering": "in",  # operands in order (x1 above x2, a above b), as written
            },
            node_attr={"fontname": style.FONT, "fontsize": style.FONT_SIZE},
            edge_attr={"fontname": style.FONT, "fontsize": style.EDGE_FONT_SIZE, "color": style.EDGE_COLOR},
        )
        kinds = set()
        for v in order:
            if v in self.group_of:
                continue
            kinds.add(self._value_node(v))
            if v.parents:
                self._op_node(v)
                kinds.add("op")
        for g in groups:
            self._group_node(g)
            kinds.add("group")
        self._edges(order)
        if len(roots) > 1:
            self._outputs_in_order()
        if options.legend:
            label = self.scale.legend() if self.scale else style.kinds_legend(kinds, options.local_grads)
            self.dot.attr(label=f"<{label}>")

    def _outputs_in_order(self):
        """Several outputs stand in one column, in the order given (a layer's neurons 0, 1, 2, ...)."""
        boxes = list(dict.fromkeys(self._element(r) for r in self.roots))
        with self.dot.subgraph(name="outputs") as column:
            column.attr(rank="same")
            for a, b in zip(boxes, boxes[1:]):
                column.edge(a, b, style="invis")

    def _magnitudes(self, order, groups):
        out = [self.grad(v) for v in order if v not in self.group_of]
        for g in groups:
            out.extend(self.grad(v) for v in g.outputs)
        for v, ds in self.locals.items():
            out.extend(self.grad(v) * d for d in ds if d is not None)
        return out

    def _value_node(self, v) -> str:
        i = self.ids[v]
        kind = style.kind_of(v, self.roots)
        s = style.STYLES[kind]
        rows = []
        if v.label:
            rows.append(f'<tr><td colspan="2"><b>{style.escape(v.label)}</b></td></tr>')
        elif v in self.names:
            rows.append(f'<tr><td colspan="2"><i>{style.escape(self.names[v])}</i></td></tr>')
        rows += self._number_rows(v)
        fill = self.scale.fill(self.grad(v)) if self.scale else s.fill
        self.dot.node(
            value_id(i),
            label=_table(rows),
            id=value_id(i),
            shape="box",
            style=s.style,
            fillcolor=fill,
            fontcolor=style.text_color(fill),
            color=s.border,
            penwidth=s.penwidth,
            peripheries=s.peripheries,
            margin="0.08,0.04",
            **{"class": f"value {kind}"},
        )
        return kind

    def _number_rows(self, v):
        rows = []
        if self.show_data:
            rows.append(_number_row("data", v.data))
        if self.show_grad:
            rows.append(_number_row("grad", self.grad(v)))
        return rows

    def _op_node(self, v):
        i = self.ids[v]
        op = v.made_by
        s = style.STYLES["op"]
        self.dot.node(
            op_id(i),
            label=op.symbol,
            id=op_id(i),
            shape="circle",
            style=s.style,
            fillcolor="#f4f4f4" if self.scale else s.fill,
            color=s.border,
            penwidth=s.penwidth,
            fontsize=style.OP_FONT_SIZE,
            margin="0.02",
            **{"class": f"op op-{op.name}"},
        )

    def _group_node(self, g):
        s = style.STYLES["group"]
        members = [v for v in g.members if v.parents]
        acts = {v.made_by.symbol for v in g.outputs if v.parents}
        what = [f"{len(members)} ops"]
        if g.parameters:
            what.append(f"{g.parameters} parameters")
        if len(acts) == 1:
            what.insert(0, next(iter(acts)))
        rows = [
            f'<tr><td colspan="2"><font point-size="11">{g.kind.upper()}</font></td></tr>',
            f'<tr><td colspan="2"><b>{style.escape(g.name)}</b></td></tr>',
            f'<tr><td colspan="2">{style.escape(" · ".join(what), 60)}</td></tr>',
        ]
        if len(g.outputs) == 1:
            rows += self._number_rows(g.outputs[0])
        else:
            rows.append(f'<tr><td colspan="2">{len(g.outputs)} outputs</td></tr>')
        strongest = max((abs(self.grad(v)) for v in g.outputs), default=0.0)
        fill = self.scale.fill(strongest) if self.scale else s.fill
        is_output = any(r in g.outputs for r in self.roots)
        classes = f"group {g.kind}" + (" output" if is_output else "")
        self.dot.node(
            g.element_id,
            label=_table(rows),
            id=g.element_id,
            shape="box",
            style=s.style,
            fillcolor=fill,
            fontcolor=style.text_color(fill),
            color=style.STYLES["output"].border if is_output else s.border,
            penwidth=style.STYLES["output"].penwidth if is_output else s.penwidth,
            **{"class": classes},
        )

    def _element(self, v) -> str:
        g = self.group_of.get(v)
        return g.element_id if g is not None else value_id(self.ids[v])

    def _edges(self, order):
        merged: dict[tuple[str, str], list] = {}  # edges touching a group: one line per pair of boxes
        for v in order:
            i = self.ids[v]
            g = self.group_of.get(v)
            if g is None and v.parents:
                ds = self.locals[v]
                for k, p in enumerate(v.parents):
                    source = self._element(p)
                    if p in self.group_of:
                        merged.setdefault((source, op_id(i)), []).append((edge_id(i, k), p))
                        continue
                    attrs = {}
                    if self.local_grads:
                        attrs.update(
                            label=style.number(ds[k]),
                            fontcolor=style.LOCAL_GRAD_COLOR,
                        )
                    if self.scale:
                        d = ds[k]
                        attrs["color"], attrs["penwidth"] = self.scale.edge(
                            None if d is None else self.grad(v) * d
                        )
                    self.dot.edge(source, op_id(i), id=edge_id(i, k), **{"class": "edge-in"}, **attrs)
                attrs = {}
                if self.scale:
                    attrs["color"], attrs["penwidth"] = self.scale.edge(self.grad(v))
                self.dot.edge(op_id(i), value_id(i), id=out_edge_id(i), **{"class": "edge-out"}, **attrs)
            elif g is not None:
                for k, p in enumerate(v.parents):
                    if self.group_of.get(p) is not g:
                        merged.setdefault((self._element(p), g.element_id), []).append((edge_id(i, k), p))
        for (source, target), edges in merged.items():
            values = list(dict.fromkeys(p for _, p in edges))
            attrs = {}
            if self.scale:
                attrs["color"], attrs["penwidth"] = self.scale.edge(max(abs(self.grad(p)) for p in values))
            self.dot.edge(source, target, id=edges[0][0], **{"class": "edge-group"}, **attrs)


def _number_row(word: str, x: float) -> str:
    """'data  0.5000': the word small, the number left-aligned (the step player rewrites it)."""
    return (
        f'<tr><td align="right"><font point-size="{style.WORD_FONT_SIZE}">{word}</font></td>'
        f'<td align="left">{style.number(x)}</td></tr>'
    )


def _table(rows) -> str:
    if not rows:
        rows = ["<tr><td> </td></tr>"]
    return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">' + "".join(rows) + "</table>>"


def _as_float(g) -> float:
    # After backward(create_graph=True) a grad is itself a Value.
    return g.data if isinstance(g, autograd.Value) else float(g)


def _local_grads(v):
    """The node's local derivatives, None where one is infinite (sqrt at 0): drawing never fails."""
    try:
        return v.local_grads()
    except autograd.DomainError:
        return (None,) * len(v.parents)
