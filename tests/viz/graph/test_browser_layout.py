"""Graphs without Graphviz's dot: laid out in the browser by the vendored @viz-js/viz.

dot is taken off PATH in the process that writes the page; the page is opened in headless
chromium (tests/conftest.py, with its network log), which must show the graph with the
same node and edge ids and classes as dot's own SVG, and fetch nothing from the network.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import viz
import viz.cli
from viz.graph import browser
from viz.graph.style import number

SVG = "{http://www.w3.org/2000/svg}"
NODES_AND_EDGES = """const scope = arguments[0];
    return [...document.querySelectorAll(scope + ' g.node, ' + scope + ' g.edge')]
    .map(g => [g.id, g.getAttribute('class')])"""


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """Graphviz's dot off PATH for the rest of the test (the browser is already running)."""

    def take_away():
        empty = tmp_path / "empty-bin"
        empty.mkdir(exist_ok=True)
        monkeypatch.setenv("PATH", str(empty))
        assert not browser.has_dot()

    return take_away


def dot_elements(svg) -> set[tuple[str, str]]:
    """(id, class) of every node and edge of an SVG that dot drew."""
    root = ET.fromstring(svg)
    return {
        (g.get("id"), g.get("class"))
        for g in root.iter(f"{SVG}g")
        if set(g.get("class", "").split()) & {"node", "edge"}
    }


def node_texts(svg) -> dict[str, list[str]]:
    """The texts of every node and edge of an SVG that dot drew, by id."""
    root = ET.fromstring(svg)
    return {
        g.get("id"): [t.text or "" for t in g.iter(f"{SVG}text")]
        for g in root.iter(f"{SVG}g")
        if set(g.get("class", "").split()) & {"node", "edge"}
    }


def laid_out(driver, scope: str) -> set[tuple[str, str]]:
    """Wait for the page to lay out its graph under ``scope``; (id, class) of its nodes and edges."""
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(f"return document.querySelector('{scope} svg g.node') !== null")
    )
    return {tuple(pair) for pair in driver.execute_script(NODES_AND_EDGES, scope)}


def test_the_in_browser_graphviz_is_vendored_in_the_package():
    assert browser.available()
    script = browser.scripts()
    assert script.startswith("<script>/*!\nViz.js 3.31.0\n")  # the pin of scripts/fetch_viz_js.py
    assert script.count("<script>") == script.count("</script") == 2  # nothing ends a script early


def test_with_dot_a_notebook_gets_dots_svg_as_before(lecture):
    y, *_ = lecture()
    bundle = viz.draw_graph(y)._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<?xml")  # dot's SVG
    assert "bpl-dot" not in bundle.get("text/html", "")  # nothing left for the browser to lay out


def test_without_dot_a_notebook_gets_the_dot_source_and_the_layout_script(lecture, no_dot):
    y, *_ = lecture()
    graph = viz.draw_graph(y, local_grads=True)
    no_dot()
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/html"]
    (data,) = re.findall(
        r'<script type="application/json" class="bpl-dot">(.*?)</script>', bundle["text/html"]
    )
    assert json.loads(data) == graph.source
    assert not re.search(r"""\bsrc\s*=|https?://""", bundle["text/html"].split("<script>")[0])


def test_without_dot_writing_files_still_needs_dot(lecture, tmp_path, no_dot):
    y, *_ = lecture()
    no_dot()
    with pytest.raises(viz.GraphvizNotFound, match="Install it with"):
        viz.render(y, tmp_path / "graph.svg")
    with pytest.raises(viz.GraphvizNotFound, match="Install it with"):
        viz.save_steps_svg(y, tmp_path / "frames")


def test_without_the_vendored_script_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(browser, "VIZ_JS", "not-there.js")
    assert not browser.available()
    with pytest.raises(browser.BrowserLayoutMissing, match=r"make setup.*Install Graphviz"):
        browser.scripts()


def test_the_notebook_picture_has_the_nodes_and_edges_of_dots(
    chromium, requests_out, lecture, tmp_path, no_dot
):
    y, *_ = lecture()
    y.backward()
    graph = viz.draw_graph(y, local_grads=True)
    svg = graph.pipe(format="svg")
    expected = dot_elements(svg)
    no_dot()
    page = tmp_path / "cell.html"
    cell = graph._repr_mimebundle_()["text/html"]
    # A notebook's page is UTF-8 (the script holds the WebAssembly in a string of Latin-1 letters).
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body>{cell}</body>', encoding="utf-8")
    requests_out(chromium)
    chromium.get(page.as_uri())
    assert laid_out(chromium, ".bpl-laid-out") == expected
    assert len(expected) == 8 + 6 + 9 + 6  # 8 values, 6 ops, 9 edges into ops, 6 edges out of them
    shown = chromium.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('.bpl-laid-out :is(g.node, g.edge)')]"
        ".map(g => [g.id, [...g.querySelectorAll('text')].map(t => t.textContent)]))"
    )
    assert shown == node_texts(svg)  # every label, number and local derivative, as dot wrote them
    assert requests_out(chromium) == []


def test_the_step_player_plays_without_dot(chromium, requests_out, lecture, tmp_path, no_dot):
    y, x, w1 = lecture()
    y.backward()
    with_dot = viz.save_steps_html(y, tmp_path / "with-dot.html")
    chromium.get(with_dot.as_uri())
    expected = laid_out(chromium, "#graph")  # dot's SVG, its first step marked by the player
    assert ("v7", "node value output current") in expected
    no_dot()
    path = viz.save_steps_html(y, tmp_path / "steps.html")
    assert "<svg" not in path.read_text(encoding="utf-8").split("<script>")[0]  # the page draws it
    requests_out(chromium)
    chromium.get(path.as_uri())
    assert laid_out(chromium, "#graph") == expected
    boxes = chromium.execute_script("return document.querySelectorAll('#graph .grad-value').length")
    assert boxes == 8  # every value box's gradient is marked for the player to rewrite
    ids = viz.graph.node_ids(y)
    chromium.find_element(By.TAG_NAME, "body").send_keys("\ue011")  # Home: the first step
    assert (
        chromium.execute_script(f"return document.querySelector('#{ids[x]} .grad-value').textContent") == "0"
    )
    chromium.find_element(By.TAG_NAME, "body").send_keys("\ue010")  # End: the last step
    for leaf in (x, w1):
        shown = f"return document.querySelector('#{ids[leaf]} .grad-value').textContent"
        assert chromium.execute_script(shown) == number(leaf.grad)
    assert chromium.execute_script("return document.querySelectorAll('#graph .current').length") >= 1
    assert requests_out(chromium) == []


def test_the_demo_page_shows_its_graphs_without_dot(chromium, requests_out, capsys, tmp_path, no_dot):
    no_dot()
    out = tmp_path / "demo"
    assert viz.cli.main(["demo", "--quick", "--out", str(out)]) == 0
    assert "laid out by the pages in the browser" in capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    assert {"lecture_graph.dot", "neuron.dot", "spiral_network.dot"} <= names
    assert not any(name.endswith(".svg") for name in names)
    text = (out / "index.html").read_text(encoding="utf-8")
    assert text.count("Viz.js 3.31.0") == 2  # once in the page, once in the player's own page (its iframe)
    requests_out(chromium)
    chromium.get((out / "index.html").as_uri())
    WebDriverWait(chromium, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll('figure > svg g.node').length > 0")
    )
    graphs = chromium.execute_script(
        "return [...document.querySelectorAll('figure > svg')].map(s => s.querySelectorAll('g.node').length)"
    )
    assert len(graphs) == 3 and min(graphs) > 3  # the lecture's graph, the neuron, the network
    assert chromium.execute_script("return document.querySelectorAll('.bpl-dot, .bpl-dot-error').length") == 0
    chromium.switch_to.frame(chromium.find_element(By.TAG_NAME, "iframe"))
    assert len(laid_out(chromium, "#graph")) > 10
    chromium.switch_to.default_content()
    assert requests_out(chromium) == []


def test_two_notebook_outputs_lay_out_one_graph_each(chromium, requests_out, lecture, tmp_path, no_dot):
    y, x, _ = lecture()
    no_dot()
    cells = [viz.draw_graph(root)._repr_mimebundle_()["text/html"] for root in (y, x * x)]
    page = tmp_path / "notebook.html"
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body>{"".join(cells)}</body>', encoding="utf-8")
    requests_out(chromium)
    chromium.get(page.as_uri())
    WebDriverWait(chromium, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll('.bpl-laid-out svg').length === 2")
    )
    nodes = chromium.execute_script(
        "return [...document.querySelectorAll('.bpl-laid-out')].map(c => c.querySelectorAll('g.node').length)"
    )
    assert nodes == [8 + 6, 2 + 1]  # the lecture's graph; x, x * x and its op
    assert requests_out(chromium) == []


def test_the_quiz_page_asks_without_dot(chromium, requests_out, lecture, tmp_path, no_dot):
    y, *_ = lecture()
    y.backward()
    no_dot()
    path = viz.save_steps_html(y, tmp_path / "quiz.html", quiz=True)
    requests_out(chromium)
    chromium.get(path.as_uri())
    assert len(laid_out(chromium, "#graph")) == 8 + 6 + 9 + 6
    assert chromium.execute_script("return document.querySelectorAll('#graph .grad-value').length") == 8
    chromium.find_element(By.ID, "next").click()  # the first backward step waits for the answers
    asked = chromium.execute_script("return document.getElementById('questions').textContent")
    assert not chromium.execute_script("return document.getElementById('quiz').hidden")
    assert "grad(sin(w1 * x + log(x)))" in asked and "grad(cos(x))" in asked
    assert requests_out(chromium) == []
