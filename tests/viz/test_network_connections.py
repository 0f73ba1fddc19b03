"""draw_network on dense and highway MLPs: every weight a link (skip links too), the gates marked."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nn
import viz
from viz.network import edge_width

SVG = "{http://www.w3.org/2000/svg}"
EDGE = re.compile(r'^\s*"?([\w.]+)"? -> "?([\w.]+)"? \[(.*)\]$')
ATTRIBUTE = re.compile(r'(\w+)=("[^"]*"|<.*>|[^ \]]+)')


def edges(graph):
    """Every edge of the DOT source, in order: (tail, head, attributes); a pair may have two."""
    out = []
    for line in graph.source.splitlines():
        edge = EDGE.match(line)
        if edge:
            attributes = {k: v.strip('"') for k, v in ATTRIBUTE.findall(edge.group(3))}
            out.append((edge.group(1), edge.group(2), attributes))
    return out


def column_titles(graph):
    """The labels of the layers' columns ("hidden 1\\n3 units, tanh ..."), left to right."""
    return [label for label in re.findall(r'label="([^"]*)"', graph.source) if " unit" in label]


def test_a_dense_mlp_draws_a_link_from_every_column_it_reads_with_that_weight():
    model = nn.MLP(2, [3, 3, 1], activation="tanh", connections="dense", seed=0)
    graph = viz.draw_network(model)
    found = edges(graph)
    columns = [["input.0", "input.1"]] + [[n.scope_name for n in layer.neurons] for layer in model.layers]
    weights, skips = {}, set()
    for i, layer in enumerate(model.layers):
        reads = [node for column in columns[: i + 1] for node in column]  # [x, h1, ...]: nn's concatenation
        assert len(reads) == layer.nin
        for neuron in layer.neurons:
            for source, w in zip(reads, neuron.w):
                weights[source, neuron.scope_name] = w.data
                if source not in columns[i]:
                    skips.add((source, neuron.scope_name))
    assert len(found) == len(weights) == 2 * 3 + 5 * 3 + 8 * 1
    assert len(skips) == 2 * 3 + 5 * 1  # the inputs into layer 2, the inputs and layer 1 into the output
    biggest = max(abs(w) for w in weights.values())
    for tail, head, attributes in found:
        w = weights[tail, head]
        assert float(attributes["penwidth"]) == pytest.approx(edge_width(w, biggest), abs=0.005)
        assert attributes["tooltip"].startswith(f"w = {w:.4g}")
        assert (attributes.get("constraint") == "false") == ((tail, head) in skips)
        assert ("skips a column" in attributes["tooltip"]) == ((tail, head) in skips)
    assert "dense: each layer reads the inputs and every layer before it" in graph.source


def test_a_dense_mlp_s_svg_has_one_edge_per_weight(read_svg):
    model = nn.MLP(2, [3, 3, 1], connections="dense", seed=1)
    svg = read_svg(viz.draw_network(model).pipe(format="svg"))
    groups = list(svg.root.iter(f"{SVG}g"))
    weights = sum(layer.nin * layer.nout for layer in model.layers)
    assert sum(g.get("class") == "edge" for g in groups) == weights


def test_a_highway_mlp_marks_its_gated_layers_and_draws_the_carried_input():
    model = nn.MLP(2, [3, 3, 3, 1], activation="tanh", connections="highway", seed=2)
    model.gates[1].neurons[2].b.data = -2.5
    graph = viz.draw_network(model)
    found = edges(graph)
    carried = [(tail, head, a) for tail, head, a in found if a.get("style") == "dashed"]
    assert [(tail, head) for tail, head, _ in carried] == [
        (f"layers.{i - 1}.neurons.{j}", f"layers.{i}.neurons.{j}") for i in (1, 2) for j in range(3)
    ]
    assert all(a["color"] == "#888888" for _, _, a in carried)
    assert "b_T = -2.5" in carried[-1][2]["tooltip"] and "b_T = -1" in carried[0][2]["tooltip"]
    weights = sum(layer.nin * layer.nout for layer in model.layers)
    assert len(found) == weights + len(carried)  # the gates' own weights are not drawn
    titles = column_titles(graph)
    assert ["highway gate T" in t for t in titles] == [False, True, True, False]
    assert "dashed grey: the input a highway layer carries on" in graph.source


def test_plain_and_residual_mlps_have_no_gate_marks_nor_skip_links():
    for connections in ("plain", "residual"):
        graph = viz.draw_network(nn.MLP(2, [3, 3, 1], connections=connections, seed=3))
        assert all("style" not in a and "constraint" not in a for _, _, a in edges(graph))
        assert "highway" not in graph.source and "dense" not in graph.source


def test_pictures_of_a_highway_mlp_are_drawn_for_every_unit():
    X, _ = nn.data.xor(20, seed=0)
    model = nn.MLP(2, [3, 3, 1], activation="tanh", connections="highway", seed=4)
    graph = viz.draw_network(model, X, resolution=6)
    for name in [n.scope_name for layer in model.layers for n in layer.neurons]:
        assert re.search(rf'"?{re.escape(name)}"? \[.*label=<<TABLE', graph.source), name
    assert not any(name.startswith("gates") for name in nn.layer_activations(model, X))


def test_gradient_flow_lists_the_layers_of_the_stack_not_the_highway_gates():
    X, y = nn.data.xor(20, seed=0)
    model = nn.MLP(2, [3, 3, 3, 1], activation="tanh", connections="highway", seed=5)
    nn.binary_cross_entropy(model.forward_batch(X), y).backward()
    flow = nn.gradient_flow(model)
    assert list(flow) == ["layers.0", "layers.1", "layers.2", "layers.3"]
    first = model.layers[0].weight_matrix(grad=True)
    assert flow["layers.0"] == pytest.approx(np.abs(first).mean(), rel=1e-12)
    assert np.abs(model.gates[0].weight_matrix(grad=True)).sum() > 0  # the gates learn all the same
    highway = nn.Highway(nn.Layer(3, 3, seed=0), seed=1)
    assert list(nn.gradient_flow(highway)) == ["layer"]
    assert list(nn.layer_activations(highway, np.ones((2, 3)))) == ["layer"]


def test_fit_records_the_gradient_flow_of_the_layers_only():
    X, y = nn.data.xor(20, seed=0)
    model = nn.MLP(2, [3, 3, 3, 1], activation="tanh", connections="highway", seed=6)
    history = nn.fit(model, X, y, lr=0.1, epochs=2, progress=False)
    assert list(history.grad_norms) == ["layers.0", "layers.1", "layers.2", "layers.3"]
