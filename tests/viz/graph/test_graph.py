"""viz.draw_graph and viz.render: what the picture shows, its ids and classes, and its files."""

from __future__ import annotations

import math
import os

import graphviz
import numpy as np
import pytest

import autograd
import nn
import viz
from autograd import Constant, Parameter, Value
from viz.graph import dot as graph_module
from viz.graph.style import luminance, number


def test_lecture_example_numbers_in_the_picture_match_the_engine(
    lecture, draw, printed_close, hand_gradients
):
    y, x, w1 = lecture()
    y.backward()
    svg = draw(y)
    order = viz.graph.node_order(y)
    assert len(svg.ids("v")) == len(order) == 8
    for i, v in enumerate(order):
        assert printed_close(svg.number(f"v{i}", "data"), v.data)
        assert printed_close(svg.number(f"v{i}", "grad"), v.grad)
        assert number(v.data) in svg.texts(f"v{i}")
    # The leaves' gradients in the picture are the hand-derived ones.
    ids = viz.graph.node_ids(y)
    assert printed_close(svg.number(ids[x], "grad"), hand_gradients["x"])
    assert printed_close(svg.number(ids[w1], "grad"), hand_gradients["w1"])
    assert "x" in svg.texts(ids[x]) and "w1" in svg.texts(ids[w1])


def test_op_nodes_are_separate_circles_showing_the_op_symbol(lecture, draw):
    y, *_ = lecture()
    svg = draw(y)
    order = viz.graph.node_order(y)
    ops = {f"op{i}": v.made_by.symbol for i, v in enumerate(order) if v.parents}
    assert set(svg.ids("op")) == set(ops)
    for op_id, symbol in ops.items():
        assert svg.texts(op_id) == [symbol]
        assert svg.by_id[op_id].find("{http://www.w3.org/2000/svg}ellipse") is not None
        i = op_id[2:]
        assert svg.edge_ends(f"e{i}_out") == (op_id, f"v{i}")  # value box -> op circle -> value box
    assert sorted(ops.values()) == sorted(["+", "+", "×", "log", "sin", "cos"])


def test_the_same_expression_always_gets_the_same_ids(lecture):
    first, _, _ = lecture()
    second, _, _ = lecture()
    assert viz.draw_graph(first).source == viz.draw_graph(second).source
    assert list(viz.graph.node_ids(first).values()) == [f"v{i}" for i in range(8)]


def test_ids_number_leaves_first_each_node_after_its_operands(lecture):
    y, *_ = lecture()
    index = {v: i for i, v in enumerate(viz.graph.node_order(y))}
    assert index[y] == len(index) - 1
    for v, i in index.items():
        assert all(index[p] < i for p in v.parents)


def test_every_kind_has_its_css_class(draw):
    x = Value(1.5, label="x")
    w = Parameter(-0.5, label="w")
    y = autograd.tanh(w * x + 3)  # 3 enters as a Constant
    y.backward()
    svg = draw(y)
    ids = viz.graph.node_ids(y)
    constant = next(v for v in ids if isinstance(v, Constant))
    middle = y.parents[0]
    assert {"value", "input"} <= svg.classes(ids[x])
    assert {"value", "parameter"} <= svg.classes(ids[w])
    assert {"value", "constant"} <= svg.classes(ids[constant])
    assert {"value", "intermediate"} <= svg.classes(ids[middle])
    assert {"value", "output"} <= svg.classes(ids[y])
    i = ids[y][1:]
    assert {"op", "op-tanh"} <= svg.classes(f"op{i}")
    assert svg.classes(f"e{i}_0") == {"edge", "edge-in"}
    assert svg.classes(f"e{i}_out") == {"edge", "edge-out"}


def test_kinds_look_different(lecture):
    x = Value(1.5, label="x")
    w = Parameter(-0.5, label="w")
    y = autograd.tanh(w * x + 3)
    source = viz.draw_graph(y).source
    styles = {}
    for line in source.splitlines():
        for kind in ("input", "parameter", "constant", "intermediate", "output"):
            if f'class="value {kind}"' in line:
                styles[kind] = (
                    line.split("fillcolor=")[1].split()[0],
                    "peripheries=2" in line,
                    "dashed" in line,
                )
    assert len(styles) == 5
    assert len({fill for fill, _, _ in styles.values()}) == 5  # five different fills
    assert styles["parameter"][1] and styles["constant"][2]  # and outlines, for black-and-white print


def test_repeated_operand_is_drawn_with_two_edges(draw):
    a = Value(3.0, label="a")
    y = a + a
    y.backward()
    svg = draw(y, local_grads=True)
    ids = viz.graph.node_ids(y)
    i = ids[y][1:]
    assert svg.edge_ends(f"e{i}_0") == (ids[a], f"op{i}")
    assert svg.edge_ends(f"e{i}_1") == (ids[a], f"op{i}")
    assert svg.number(ids[a], "grad") == 2.0  # both edges carry gradient
    assert svg.texts(f"e{i}_0") == svg.texts(f"e{i}_1") == ["1.0000"]


def test_local_grads_label_every_edge_with_the_op_tables_derivative(lecture, draw, printed_close):
    y, x, w1 = lecture()
    svg = draw(y, local_grads=True)
    order = viz.graph.node_order(y)
    for i, v in enumerate(order):
        for k, d in enumerate(v.local_grads()):
            assert printed_close(float(svg.texts(f"e{i}_{k}")[0]), d)
    # The same numbers by hand: d sin(a)/da = cos(a), d log(x)/dx = 1/x, d cos(x)/dx = -sin(x).
    by_op = {v.op: i for i, v in enumerate(order) if v.parents}
    assert printed_close(float(svg.texts(f"e{by_op['sin']}_0")[0]), math.cos(0.5 * 2 + math.log(2)))
    assert printed_close(float(svg.texts(f"e{by_op['log']}_0")[0]), 1 / 2)
    assert printed_close(float(svg.texts(f"e{by_op['cos']}_0")[0]), -math.sin(2))
    assert any("local derivative" in t for t in _all_texts(svg))


def test_without_local_grads_edges_have_no_numbers(lecture, draw):
    y, *_ = lecture()
    svg = draw(y)
    assert all(svg.texts(e) == [] for e in svg.ids("e"))


def test_color_by_grad_darkens_with_the_log_of_the_gradient(draw):
    a, b, c = Value(1.0, label="a"), Value(1.0, label="b"), Value(1.0, label="c")
    unused = Value(1.0, label="d")
    y = 1e-4 * a + 1e-1 * b + 10.0 * c + 0.0 * unused
    y.backward()
    svg = draw(y, color_by="grad")
    ids = viz.graph.node_ids(y)
    fills = {v.label: _fill(svg, ids[v]) for v in (a, b, c, unused)}
    assert luminance(fills["a"]) > luminance(fills["b"]) > luminance(fills["c"])
    assert fills["d"] == "#ffffff"  # no gradient at all: white
    texts = _all_texts(svg)
    assert "|grad|" in texts and "(log scale)" in " ".join(texts)
    assert {"1e-4", "1e-1", "1e1"} <= set(texts)


def test_color_by_grad_before_backward_says_so(lecture, draw):
    y, *_ = lecture()
    svg = draw(y, color_by="grad")
    assert any("call backward() first" in t for t in _all_texts(svg))


def test_drawing_changes_nothing_it_draws(lecture):
    y, x, w1 = lecture()
    y.backward()
    nodes = viz.graph.node_order(y)
    before = [(v.data, v.grad, v.label) for v in nodes]
    for options in ({}, {"local_grads": True, "color_by": "grad"}, {"show_data": False}):
        viz.draw_graph(y, **options).pipe(format="svg")
    assert [(v.data, v.grad, v.label) for v in nodes] == before


def test_show_data_and_show_grad_can_be_turned_off(lecture, draw):
    y, *_ = lecture()
    svg = draw(y, show_data=False, show_grad=False)
    texts = _all_texts(svg)
    assert "data" not in texts and "grad" not in texts
    assert "x" in texts and "w1" in texts


def test_unlabelled_boxes_are_named_by_their_expression(lecture, draw):
    y, x, w1 = lecture()
    svg = draw(y)
    names = {t for i in svg.ids("v") for t in svg.texts(i)}
    assert {"w1 * x", "log(x)", "w1 * x + log(x)", "sin(w1 * x + log(x))", "cos(x)"} <= names
    assert not ({"w1 * x", "log(x)"} & set(_all_texts(draw(y, names=False))))


def test_bad_options_are_refused_with_the_valid_choices(lecture):
    y, *_ = lecture()
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.draw_graph(y, rankdir="sideways")
    with pytest.raises(ValueError, match="color_by must be one of"):
        viz.draw_graph(y, color_by="rainbow")
    with pytest.raises(ValueError, match="collapse must be one of"):
        viz.draw_graph(y, collapse="neurons")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw_graph(y, max_nodes=0)
    with pytest.raises(TypeError, match="needs a Value"):
        viz.draw_graph(3.0)


def test_a_graph_over_max_nodes_is_refused_with_a_hint_to_collapse():
    x = Value(0.1, label="x")
    y = x
    for _ in range(30):
        y = autograd.tanh(y)
    with pytest.raises(ValueError, match="collapse='neuron' or collapse='layer'") as info:
        viz.draw_graph(y, max_nodes=20)
    assert "31 nodes" in str(info.value)
    assert viz.draw_graph(y, max_nodes=31) is not None


def tiny_network():
    """Two layers built by hand the way nn builds them: neurons in scopes, dotted parameter names."""
    xs = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    hidden = []
    with autograd.scope("layers.0", kind="layer"):
        for j in range(2):
            name = f"layers.0.neurons.{j}"
            w = [Parameter(0.3 * (j + 1) * (i + 1), label=f"{name}.w.{i}") for i in range(2)]
            b = Parameter(0.1, label=f"{name}.b")
            with autograd.scope(name, kind="neuron"):
                hidden.append(autograd.tanh(autograd.sum([b, *(wi * xi for wi, xi in zip(w, xs))])))
    with autograd.scope("layers.1", kind="layer"):
        name = "layers.1.neurons.0"
        w = [Parameter(-0.7 + i, label=f"{name}.w.{i}") for i in range(2)]
        b = Parameter(0.2, label=f"{name}.b")
        with autograd.scope(name, kind="neuron"):
            out = autograd.sum([b, *(wi * hi for wi, hi in zip(w, hidden))])
    loss = (out - 1.0) ** 2
    loss.backward()
    return loss, xs, hidden, out


def test_collapse_by_neuron_draws_one_box_per_neuron_with_its_inputs_and_outputs(draw, printed_close):
    loss, xs, hidden, out = tiny_network()
    svg = draw(loss, collapse="neuron")
    groups = svg.ids("g")
    assert groups == ["g0", "g1", "g2"]
    assert all({"group", "neuron"} <= svg.classes(g) for g in groups)
    names = [[t for t in svg.texts(g) if t.startswith("layers.")][0] for g in groups]
    assert names == ["layers.0.neurons.0", "layers.0.neurons.1", "layers.1.neurons.0"]
    # The weights and bias are inside the boxes; the data x1, x2 stays outside.
    labels = {t for i in svg.ids("v") for t in svg.texts(i)}
    assert "x1" in labels and "x2" in labels
    assert not any(".w." in t or t.endswith(".b") for t in labels)
    assert "2 parameters" not in " ".join(svg.texts("g0")) and "3 parameters" in " ".join(svg.texts("g0"))
    # A neuron box shows its output's value and gradient.
    assert printed_close(svg.number("g0", "data"), hidden[0].data)
    assert printed_close(svg.number("g0", "grad"), hidden[0].grad)
    ends = {svg.edge_ends(e) for e in svg.ids("e")}
    ids = viz.graph.node_ids(loss)
    assert {(ids[xs[0]], "g0"), (ids[xs[1]], "g1"), ("g0", "g2"), ("g1", "g2")} <= ends


def test_collapse_by_layer_draws_one_box_per_layer(draw):
    loss, xs, hidden, out = tiny_network()
    svg = draw(loss, collapse="layer", color_by="grad")
    assert svg.ids("g") == ["g0", "g1"]
    assert all({"group", "layer"} <= svg.classes(g) for g in ("g0", "g1"))
    assert "2 outputs" in svg.texts("g0")
    ends = {svg.edge_ends(e) for e in svg.ids("e")}
    assert ("g0", "g1") in ends
    assert sum(1 for e in ends if e == ("g0", "g1")) == 1  # one line per pair of boxes


def test_a_neuron_from_nn_is_labelled_as_on_the_slide(draw, printed_close):
    neuron = nn.Neuron(3, activation="tanh", seed=1)
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate([1.0, -2.0, 0.5])]
    h = neuron(x)
    h.backward()
    svg = draw(h)
    ids = viz.graph.node_ids(h)
    texts = {i: svg.texts(i) for i in svg.ids("v")}
    for p in neuron.parameters():  # the weights and the bias, as parameters
        assert p.label in texts[ids[p]]
        assert "parameter" in svg.classes(ids[p])
        assert printed_close(svg.number(ids[p], "grad"), p.grad)
    for xi in x:
        assert xi.label in texts[ids[xi]] and "input" in svg.classes(ids[xi])
    s = h.parents[0]
    assert "s" in texts[ids[s]] and s.op == "sum"  # the weighted sum
    assert svg.texts(f"op{ids[s][1:]}") == ["Σ"]
    assert "h" in texts[ids[h]] and svg.texts(f"op{ids[h][1:]}") == ["tanh"]  # the activation
    assert printed_close(svg.number(ids[h], "data"), math.tanh(s.data))
    products = [t for i in svg.ids("v") for t in svg.texts(i) if " * x" in t]
    assert len(products) == 3  # w.0 * x1, w.1 * x2, w.2 * x3


def mlp_loss():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.3, 0.2]])
    loss = nn.mse(model.forward_batch(X), np.array([1.0, 0.0, 1.0]))
    loss.backward()
    return loss


def test_an_mlp_is_too_large_to_draw_uncollapsed():
    with pytest.raises(ValueError, match="collapse="):
        viz.draw_graph(mlp_loss())


def test_an_mlp_forward_and_loss_collapsed_by_neuron(tmp_path, read_svg):
    loss = mlp_loss()
    path = viz.render(loss, tmp_path / "mlp_neurons.svg", collapse="neuron", color_by="grad")
    svg = read_svg(path.read_bytes())
    groups = svg.ids("g")
    assert len(groups) == 16 + 16 + 1
    assert {"neuron"} <= svg.classes(groups[0])
    assert "output" in svg.classes(viz.graph.node_ids(loss)[loss])


def test_an_mlp_forward_and_loss_collapsed_by_layer(tmp_path, read_svg):
    loss = mlp_loss()
    path = viz.render(loss, tmp_path / "mlp_layers.png", collapse="layer")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = read_svg(viz.draw_graph(loss, collapse="layer").pipe(format="svg"))
    names = [[t for t in svg.texts(g) if t.startswith("layers.")][0] for g in svg.ids("g")]
    assert names == ["layers.0", "layers.1", "layers.2"]
    assert "48 outputs" in svg.texts("g0")  # 16 neurons x 3 examples


@pytest.mark.parametrize(
    "name, magic", [("g.svg", b"<?xml"), ("g.png", b"\x89PNG"), ("g.pdf", b"%PDF"), ("g.SVG", b"<?xml")]
)
def test_render_writes_the_format_of_the_suffix_creating_folders(lecture, tmp_path, name, magic):
    y, *_ = lecture()
    path = viz.render(y, tmp_path / "new" / "folder" / name)
    assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in path.parent.iterdir()) == [name]  # no temporary file left


def test_render_refuses_an_unknown_suffix(lecture, tmp_path):
    y, *_ = lecture()
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        viz.render(y, tmp_path / "g.jpg")
    assert list(tmp_path.iterdir()) == []


def test_render_failing_half_way_leaves_the_old_file_and_no_debris(lecture, tmp_path, monkeypatch):
    y, *_ = lecture()
    path = tmp_path / "g.svg"
    path.write_text("the old picture")

    def broken_pipe(self, format=None, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], output=b"", stderr=b"dot crashed")

    monkeypatch.setattr(graphviz.Digraph, "pipe", broken_pipe)
    with pytest.raises(graphviz.CalledProcessError):
        viz.render(y, path)
    assert path.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]


def test_without_dot_render_writes_the_dot_source_and_says_how_to_install(lecture, tmp_path, monkeypatch):
    y, *_ = lecture()
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(viz.GraphvizNotFound) as info:
        viz.render(y, tmp_path / "out" / "graph.svg")
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    assert graph_module.install_command() in message
    source = tmp_path / "out" / "graph.dot"
    assert str(source) in message
    assert source.read_text().startswith("digraph computation_graph")
    assert not (tmp_path / "out" / "graph.svg").exists()


@pytest.mark.parametrize(
    "platform, distro, conda, expected",
    [
        ("linux", {"debian"}, None, "sudo apt-get install graphviz"),
        ("linux", {"ubuntu", "debian"}, None, "sudo apt-get install graphviz"),
        ("linux", {"fedora"}, None, "sudo dnf install graphviz"),
        ("darwin", set(), None, "brew install graphviz"),
        ("win32", set(), None, "winget install graphviz (or: choco install graphviz)"),
        ("linux", {"debian"}, "/opt/conda", "conda install -c conda-forge graphviz"),
    ],
)
def test_the_install_command_fits_the_platform(monkeypatch, platform, distro, conda, expected):
    monkeypatch.setattr(graph_module, "_linux_distribution", lambda: distro)
    if conda:
        monkeypatch.setenv("CONDA_PREFIX", conda)
    else:
        monkeypatch.delenv("CONDA_PREFIX", raising=False)
    assert graph_module.install_command(platform).startswith(expected)


def test_written_pictures_are_readable_by_others(lecture, tmp_path):
    y, *_ = lecture()
    path = viz.render(y, tmp_path / "g.svg")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def _fill(svg, element_id: str) -> str:
    shape = next(
        e
        for e in svg.by_id[element_id]
        if e.tag.endswith(("polygon", "path")) and e.get("fill") not in (None, "none")
    )
    return shape.get("fill")


def _all_texts(svg) -> list[str]:
    return [t.text or "" for t in svg.root.iter("{http://www.w3.org/2000/svg}text")]


def test_a_layers_outputs_are_drawn_together_each_marked_as_an_output(draw, printed_close):
    layer = nn.Layer(3, 4, activation="tanh", seed=0)
    xs = [Value(1.0, label="x1"), Value(-2.0, label="x2"), Value(0.5, label="x3")]
    outputs = layer(xs)
    svg = draw(outputs)
    ids = viz.graph.node_ids(outputs)
    assert {i for i in svg.ids("v") if "output" in svg.classes(i)} == {ids[h] for h in outputs}
    assert [printed_close(svg.number(ids[h], "data"), h.data) for h in outputs] == [True] * 4
    # Shared inputs are drawn once, feeding all four neurons.
    x1_edges = [e for e in svg.ids("e") if svg.edge_ends(e)[0] == ids[xs[0]]]
    assert len(x1_edges) == 4


def test_a_layers_outputs_collapsed_stand_in_the_order_of_the_neurons(draw):
    layer = nn.Layer(3, 4, activation="tanh", seed=0)
    outputs = layer([1.0, -2.0, 0.5])
    svg = draw(outputs, collapse="neuron")
    groups = svg.ids("g")
    assert [[t for t in svg.texts(g) if t.startswith("neurons.")][0] for g in groups] == [
        f"neurons.{j}" for j in range(4)
    ]
    assert all("output" in svg.classes(g) for g in groups)
    # One column, top to bottom in the neurons' order (SVG y grows downwards).
    names = [next(t for t in svg.by_id[g].iter() if (t.text or "").startswith("neurons.")) for g in groups]
    assert len({t.get("x") for t in names}) == 1
    heights = [float(t.get("y")) for t in names]
    assert heights == sorted(heights)


@pytest.mark.parametrize("bad", [[], [1.0, 2.0], "y", None])
def test_draw_graph_refuses_anything_but_a_value_or_a_list_of_values(bad):
    with pytest.raises(TypeError, match="a Value .* or a list of Values"):
        viz.draw_graph(bad)
