"""Graphs that fit the notebook: draw_graph's Digraph shows scaled to the cell's width; a click: full size."""

from __future__ import annotations

import base64
import re

import graphviz
import pytest

import viz
from viz.graph.fit import FittedDigraph, fitted_html


def test_draw_graph_is_still_a_digraph_that_renders(lecture, tmp_path):
    y, *_ = lecture()
    y.backward()
    g = viz.draw_graph(y)
    assert isinstance(g, graphviz.Digraph) and isinstance(g, FittedDigraph)
    assert isinstance(g.copy(), FittedDigraph) and g.copy().source == g.source
    out = g.render(tmp_path / "graph", format="svg")
    assert "<svg" in tmp_path.joinpath("graph.svg").read_text() and out.endswith("graph.svg")


def test_the_notebook_picture_is_the_svg_in_a_box_as_wide_as_the_cell(lecture):
    y, *_ = lecture()
    g = viz.draw_graph(y)
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml"}
    svg, page = bundle["image/svg+xml"], bundle["text/html"]
    assert svg == g.pipe(format="svg", encoding="utf-8")
    # The picture is Graphviz's SVG as an image (as Jupyter shows an SVG), without its XML header.
    uri = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page).group(1)
    assert base64.b64decode(uri).decode() == re.sub(r"<!--.*?-->", "", svg[svg.find("<svg") :], flags=re.S)
    scope = re.match(r'<div id="(bpl-graph-[0-9a-f]+)"', page).group(1)
    assert f"#{scope} img {{display: block; max-width: 100%; height: auto;}}" in page
    assert f"#{scope} input:checked + label img {{max-width: none;}}" in page  # a click: natural size
    assert f'<input type="checkbox" id="{scope}-zoom" hidden><label for="{scope}-zoom"' in page
    assert page.endswith('alt="computation graph"></label></div>')


def test_inline_the_svg_stays_reachable_by_the_pages_styles(lecture):
    svg = viz.draw_graph(lecture()[0]).pipe(format="svg", encoding="utf-8")
    page = fitted_html(svg, "box", "#box #v0 {stroke: red}")
    assert page.count("<svg") == 1 and "<?xml" not in page and "<img" not in page
    assert (
        "#box svg {display: block; max-width: 100%; height: auto;}" in page
        and "#box #v0 {stroke: red}" in page
    )


def test_include_and_exclude_choose_the_pictures(lecture):
    g = viz.draw_graph(lecture()[0])
    assert set(g._repr_mimebundle_(include=["image/svg+xml"])) == {"image/svg+xml"}
    assert set(g._repr_mimebundle_(exclude=["text/html"])) == {"image/svg+xml"}
    assert set(g._repr_mimebundle_(include=["text/html"])) == {"text/html"}


def test_two_pictures_on_a_page_keep_their_own_boxes(lecture):
    g = viz.draw_graph(lecture()[0])
    first, second = (
        re.match(r'<div id="([^"]+)"', g._repr_mimebundle_()["text/html"]).group(1) for _ in "12"
    )
    assert first != second


@pytest.mark.parametrize("text", ["<pre>no dot</pre>", ""])
def test_text_without_an_svg_is_kept_whole(text):
    assert fitted_html(text, "box").endswith(f"{text}</label></div>")
