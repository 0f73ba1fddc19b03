"""A network drawn as TensorFlow Playground draws it: columns of neurons, links coloured by weight.

One node per input and per neuron, one column per layer, one edge per weight: its width
grows with |w| and its colour gives the sign (blue w > 0, orange w < 0). Given points of
the plane, every node shows a small picture of its output over the (x1, x2) plane, so
one can watch how neurons combine simple shapes into the final boundary. The pictures
are Graphviz HTML tables of coloured cells, so the drawing needs no image files: it
shows inline in Jupyter and renders to a self-contained SVG.
"""

from __future__ import annotations

import html

import graphviz
import numpy as np

import nn

from .plots import colors, plane

FONT = "Helvetica"
PICTURE = 24  # the pictures' grid: PICTURE x PICTURE cells
CELL = 2  # points per cell: a picture is about 48 pt wide, as the Playground's thumbnails
SHADES = 8  # shades per sign: neighbouring cells of one shade merge, which keeps the SVG small
FRAME = "#555555"  # the pictures' frame
THIN, THICK = 0.4, 5.0  # edge widths for w = 0 and for the largest |w| of the network


def draw_network(model: nn.Module, X=None, features=None, resolution: int = PICTURE) -> graphviz.Digraph:
    """A Playground-style diagram of ``model`` (an MLP, a Layer or a Neuron) as a graphviz.Digraph.

    The lecture's picture of a network: inputs on the left, a column per layer, every
    weight a link. Edge width is proportional to |w| (relative to the network's largest
    weight), colour by sign: blue for w > 0, orange for w < 0, as on the Playground.
    With ``X`` (points of the plane, shape (n, 2)), each input and neuron shows its value
    over the data's box as a ``resolution`` x ``resolution`` picture (orange negative,
    grey 0, blue positive; a sigmoid unit is centred on 1/2); ``features`` maps (x1, x2)
    to the model's inputs as in ``plot_decision_boundary``, and names the inputs.
    """
    layers = _columns(model)
    inputs = plane.feature_names(model, features)
    pictures = _pictures(model, X, features, resolution) if X is not None else None
    graph = graphviz.Digraph(
        "network",
        graph_attr={
            "rankdir": "LR",
            "ranksep": "1.1",
            "nodesep": "0.12",
            "fontname": FONT,
            "fontsize": "12",
            "labelloc": "b",
            "label": _legend(pictures is not None),
            "ordering": "out",
        },
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"arrowhead": "none"},
    )
    with graph.subgraph(name="cluster_inputs") as column:
        column.attr(label="inputs", style="rounded", color="#dddddd", fontname=FONT, fontsize="12")
        for i, name in enumerate(inputs):
            node = f"input.{i}"
            if pictures is None:
                column.node(node, name, id=node, shape="box", style="rounded,filled", fillcolor="#f4f4f4")
            else:
                column.node(node, _picture_label(pictures[node], name), id=node, shape="plain", tooltip=name)
    biggest = max((abs(w.data) for _, neurons, _, _ in layers for n in neurons for w in n.w), default=0.0)
    previous = [f"input.{i}" for i in range(len(inputs))]
    for number, (title, neurons, act, _) in enumerate(layers):
        names = [n.scope_name for n in neurons]
        with graph.subgraph(name=f"cluster_{number}") as column:
            column.attr(label=title, style="rounded", color="#dddddd", fontname=FONT, fontsize="12")
            for neuron, node in zip(neurons, names):
                tip = _tooltip(neuron, node, act)
                if pictures is None:
                    column.node(
                        node,
                        "",
                        id=node,
                        shape="circle",
                        width="0.32",
                        fixedsize="true",
                        style="filled",
                        fillcolor="#ffffff",
                        color="#555555",
                        tooltip=tip,
                    )
                else:
                    column.node(node, _picture_label(pictures[node]), id=node, shape="plain", tooltip=tip)
        for neuron, node in zip(neurons, names):
            for source, w in zip(previous, neuron.w):
                graph.edge(source, node, **_edge_style(w.data, biggest))
        previous = names
    return graph


def edge_width(w: float, biggest: float) -> float:
    """The pen width of a weight's edge: THIN for 0, THICK for the network's largest |w|."""
    return THIN + (THICK - THIN) * (abs(w) / biggest if biggest > 0 else 0.0)


def _edge_style(w, biggest):
    return {
        "penwidth": f"{edge_width(w, biggest):.2f}",
        "color": colors.weight_color(w) + "cc",  # a little transparency where many links cross
        "tooltip": f"w = {w:.4g}",
    }


def _columns(model):
    """(title, neurons, activation, name in ``nn.layer_activations``) for each layer, left to right."""
    if isinstance(model, nn.Neuron):
        return [(f"neuron\n{model.activation}", [model], model.activation, model.scope_name)]
    if isinstance(model, nn.Layer):
        return [(_title("layer", model), model.neurons, model.activation, model.scope_name)]
    if isinstance(model, nn.MLP):
        last = len(model.layers) - 1
        return [
            (
                _title("output" if i == last else f"hidden {i + 1}", layer),
                layer.neurons,
                layer.activation,
                layer.scope_name,
            )
            for i, layer in enumerate(model.layers)
        ]
    raise TypeError(f"draw_network draws an MLP, a Layer or a Neuron, got {type(model).__name__}")


def _title(kind, layer):
    extras = [x for x, on in (("batch norm", layer.batchnorm is not None), ("+ skip", layer.residual)) if on]
    more = f"\n({', '.join(extras)})" if extras else ""
    units = "unit" if layer.nout == 1 else "units"
    return f"{kind}\n{layer.nout} {units}, {layer.activation}{more}"


def _tooltip(neuron, name, act):
    bias = f", b = {neuron.b.data:.4g}" if neuron.b is not None else ""
    return f"{name}: {act}{bias}"


def _legend(with_pictures):
    text = "links: blue w > 0, orange w < 0, width ∝ |w|"
    if with_pictures:
        text += "\npictures: each unit's value over the (x1, x2) plane, orange < 0 < blue"
    return text


def _pictures(model, X, features, resolution):
    """{node name: (resolution, resolution) array in [-1, 1]}: each input's and neuron's value, scaled."""
    _, _, points = plane.grid(X, resolution)
    inputs = plane.model_inputs(model, points, features)
    out = {f"input.{i}": _scaled(inputs[:, i], "linear") for i in range(inputs.shape[1])}
    found = plane.activations(model, inputs)
    for _, neurons, act, layer in _columns(model):
        for j, neuron in enumerate(neurons):
            out[neuron.scope_name] = _scaled(found[layer][:, j], act)
    return {k: v.reshape(resolution, resolution) for k, v in out.items()}


def _scaled(values, act):
    """Values mapped to [-1, 1] around their natural middle (1/2 for sigmoid, else 0)."""
    centre = 0.5 if act == "sigmoid" else 0.0
    centred = np.asarray(values, dtype=float) - centre
    scale = np.abs(centred).max()
    return centred / scale if scale > 0 else centred


def _picture_label(image, caption=None):
    """A Graphviz HTML table drawing ``image`` (rows bottom to top) as rectangles of one shade each.

    Neighbouring cells of the same shade are merged into one rectangle (greedily, right
    then down), which keeps the SVG small. Cells overlap their neighbours by one point
    (CELLSPACING -1): rectangles that only touched would leave hairline seams on screen.
    Every row starts with an empty cell of no width, because Graphviz refuses a row with
    no cell, and a tall rectangle may cover a whole row.
    """
    shades = np.round(image[::-1] * SHADES).astype(int)  # the table's first row is the plane's top
    n_rows, n_cols = shades.shape
    covered = np.zeros(shades.shape, dtype=bool)
    rows = []
    for r in range(n_rows):
        cells = [f'<TD WIDTH="1" HEIGHT="{_span(1)}"></TD>']  # one point: the next cell overlaps it
        for c in range(n_cols):
            if covered[r, c]:
                continue
            shade = shades[r, c]
            width = 1
            while c + width < n_cols and not covered[r, c + width] and shades[r, c + width] == shade:
                width += 1
            height = 1
            while r + height < n_rows and np.all(shades[r + height, c : c + width] == shade):
                if covered[r + height, c : c + width].any():
                    break
                height += 1
            covered[r : r + height, c : c + width] = True
            size = f'WIDTH="{_span(width)}" HEIGHT="{_span(height)}" FIXEDSIZE="TRUE"'
            fill = colors.signed(shade / SHADES, 1.0)
            cells.append(f'<TD COLSPAN="{width}" ROWSPAN="{height}" {size} BGCOLOR="{fill}"></TD>')
        rows.append("<TR>" + "".join(cells) + "</TR>")
    title = f'<TR><TD COLSPAN="{n_cols + 1}">{html.escape(caption)}</TD></TR>' if caption else ""
    table = (
        f'<TABLE BORDER="1" COLOR="{FRAME}" BGCOLOR="white" CELLBORDER="0" CELLSPACING="-1" CELLPADDING="0">'
    )
    return f"<{table}{title}{''.join(rows)}</TABLE>>"


def _span(cells: int) -> int:
    """The WIDTH (or HEIGHT) to give a rectangle ``cells`` cells long.

    Graphviz sizes the columns as if cells did not overlap, then draws each column one
    point further left: so every column is given CELL + 1 points, and a rectangle of n
    cells comes out CELL * n + 1 points wide, overlapping its neighbour by one.
    """
    return (CELL + 1) * cells
