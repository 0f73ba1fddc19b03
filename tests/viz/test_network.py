"""draw_network: one node per input and neuron, one edge per weight, pictures that are the units' values."""

from __future__ import annotations

import html
import re

import graphviz
import numpy as np
import pytest

import nn
import viz
from viz.network import SHADES, edge_width
from viz.plots import colors

SVG = "{http://www.w3.org/2000/svg}"
NODE = re.compile(r'^\s*"?([\w.]+)"? \[(.*)\]$')
EDGE = re.compile(r'^\s*"?([\w.]+)"? -> "?([\w.]+)"? \[(.*)\]$')
ATTRIBUTE = re.compile(r'(\w+)=("[^"]*"|<.*>|[^ \]]+)')


def statements(graph):
    """(nodes, edges) of the DOT source: {name: attributes}, {(tail, head): attributes}."""
    nodes, edges = {}, {}
    for line in graph.source.splitlines():
        edge = EDGE.match(line)
        if edge:
            edges[edge.group(1), edge.group(2)] = dict(ATTRIBUTE.findall(edge.group(3)))
            continue
        node = NODE.match(line)
        if node and node.group(1) not in ("graph", "node", "edge"):
            nodes[node.group(1)] = dict(ATTRIBUTE.findall(node.group(2)))
    return nodes, edges


def picture(label: str) -> np.ndarray:
    """The colours of a node's picture, rebuilt cell by cell from its HTML table (top row first)."""
    grid = {}
    for r, row in enumerate(re.findall(r"<TR>(.*?)</TR>", label)):
        c = 0
        for cell in re.findall(r"<TD([^>]*)>", row):
            fill = re.search(r'BGCOLOR="(#[0-9a-f]{6})"', cell)
            if fill is None:
                continue  # the empty first cell of the row, or the caption
            span = int(re.search(r'COLSPAN="(\d+)"', cell).group(1))
            rows = int(re.search(r'ROWSPAN="(\d+)"', cell).group(1))
            while (r, c) in grid:
                c += 1
            for i in range(rows):
                for j in range(span):
                    grid[r + i, c + j] = fill.group(1)
            c += span
    first = min(r for r, _ in grid)
    n_rows, n_cols = max(r for r, _ in grid) - first + 1, max(c for _, c in grid) + 1
    return np.array([[grid[first + r, c] for c in range(n_cols)] for r in range(n_rows)])


def expected_picture(values: np.ndarray, resolution: int) -> np.ndarray:
    """What a unit with these values over the grid should look like: scaled, quantised, top row first."""
    scaled = values / np.abs(values).max()
    shades = np.round(scaled * SHADES) / SHADES
    return np.array(
        [[colors.signed(v, 1.0) for v in row] for row in shades.reshape(resolution, resolution)[::-1]]
    )


@pytest.fixture
def mlp():
    return nn.MLP(2, [3, 2, 1], activation="relu", seed=4)


def test_draw_network_gives_a_digraph_with_one_node_per_input_and_per_neuron(mlp):
    graph = viz.draw_network(mlp)
    assert isinstance(graph, graphviz.Digraph)
    nodes, _ = statements(graph)
    neurons = [n.scope_name for layer in mlp.layers for n in layer.neurons]
    assert sorted(nodes) == sorted(["input.0", "input.1", *neurons])
    assert all(nodes[n]["shape"] == "circle" for n in neurons)
    assert [html.unescape(nodes[f"input.{i}"]["label"].strip('"')) for i in (0, 1)] == ["x1", "x2"]


def test_every_weight_is_an_edge_whose_width_grows_with_its_size_and_colour_gives_its_sign(mlp):
    _, edges = statements(viz.draw_network(mlp))
    weights = {}
    previous = ["input.0", "input.1"]
    for layer in mlp.layers:
        for neuron in layer.neurons:
            for source, w in zip(previous, neuron.w):
                weights[source, neuron.scope_name] = w.data
        previous = [n.scope_name for n in layer.neurons]
    assert set(edges) == set(weights) and len(edges) == 2 * 3 + 3 * 2 + 2 * 1
    biggest = max(abs(w) for w in weights.values())
    for key, w in weights.items():
        attributes = edges[key]
        assert float(attributes["penwidth"]) == pytest.approx(edge_width(w, biggest), abs=0.005)
        assert attributes["color"].strip('"') == (colors.BLUE if w > 0 else colors.ORANGE) + "cc"
    by_size = sorted(weights, key=lambda k: abs(weights[k]))
    widths = [float(edges[k]["penwidth"]) for k in by_size]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert {w > 0 for w in weights.values()} == {True, False}  # both colours are exercised


def test_the_svg_has_one_node_element_per_neuron_and_one_edge_per_weight(mlp, read_svg):
    svg = read_svg(viz.draw_network(mlp).pipe(format="svg"))
    groups = list(svg.root.iter(f"{SVG}g"))
    assert sum(g.get("class") == "node" for g in groups) == 2 + 3 + 2 + 1
    assert sum(g.get("class") == "edge" for g in groups) == 14
    assert "layers.1.neurons.0" in svg.by_id


def test_features_name_the_inputs():
    graph = viz.draw_network(nn.MLP(2, [1], seed=0), features=["r", "spiral"])
    nodes, _ = statements(graph)
    assert nodes["input.0"]["label"].strip('"') == "r" and nodes["input.1"]["label"].strip('"') == "spiral"


def test_each_picture_is_the_unit_s_value_over_the_plane():
    neuron = nn.Neuron(2, activation="linear")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, -0.5, 0.3
    X = np.array([[-2.0, -1.0], [2.0, 3.0]])
    graph = viz.draw_network(neuron, X=X, resolution=8)
    nodes, _ = statements(graph)
    xs = np.linspace(-2.4, 2.4, 8)  # the data's box and a tenth of its span on each side
    ys = np.linspace(-1.4, 3.4, 8)
    gx, gy = np.meshgrid(xs, ys)
    assert np.array_equal(picture(nodes["neuron"]["label"]), expected_picture(0.3 + gx - 0.5 * gy, 8))
    assert np.array_equal(picture(nodes["input.0"]["label"]), expected_picture(gx, 8))
    assert np.array_equal(picture(nodes["input.1"]["label"]), expected_picture(gy, 8))


def test_a_picture_of_a_sigmoid_unit_is_centred_on_one_half():
    neuron = nn.Neuron(2, activation="sigmoid")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 2.0, 0.0, 0.0
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    nodes, _ = statements(viz.draw_network(neuron, X=X, resolution=6))
    xs = np.linspace(-1.2, 1.2, 6)
    gx, _ = np.meshgrid(xs, xs)
    assert np.array_equal(
        picture(nodes["neuron"]["label"]), expected_picture(1 / (1 + np.exp(-2 * gx)) - 0.5, 6)
    )


def test_pictures_of_a_batch_norm_network_use_running_statistics_and_keep_the_mode():
    X, _ = nn.data.moons(30, seed=0)
    model = nn.MLP(2, [4, 1], batchnorm=True, seed=0)
    assert model.training
    graph = viz.draw_network(model, X=X, resolution=6)
    assert model.training
    assert "batch norm" in graph.source
    assert graph.pipe(format="svg").startswith(b"<?xml")


def test_a_single_layer_is_drawn_and_other_modules_are_refused():
    nodes, edges = statements(viz.draw_network(nn.Layer(3, 2, seed=0)))
    assert len(nodes) == 3 + 2 and len(edges) == 6
    with pytest.raises(TypeError, match="an MLP, a Layer or a Neuron, got BatchNorm"):
        viz.draw_network(nn.BatchNorm(2))
