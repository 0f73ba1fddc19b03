"""The documentation site, built and opened in headless chromium from file://, as a reader would.

The build is `mkdocs build --strict` of the whole site (every page, the API reference,
the command line's help, links checked), executing only the first notebook: the test
suite already executes all seven with nbmake, so each runs once per `make test`, and
`make docs` executes them all. Set BACKPROP_LAB_DOCS_SITE to a site already built by
`make docs` to check that one instead of building.

Every request the browser makes is read from its own log (the DevTools protocol's
Network events, failed ones included): each must be a file of the site.
"""

from __future__ import annotations

import base64
import html
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = "02_neurons_layers_networks"  # has computation graphs and figures, and runs in seconds


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    built = os.environ.get("BACKPROP_LAB_DOCS_SITE")
    if built:
        return Path(built).resolve()
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "BACKPROP_LAB_DOCS_EXECUTE_ONLY": f"{EXECUTED}.ipynb", "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"mkdocs build --strict failed:\n{run.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def open_page(browser, path: Path):
    browser.get_log("performance")  # forget the requests of earlier pages
    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def shown_images(browser) -> dict[str, list[int]]:
    """The page's <img>s that loaded: file name -> [width, height] as drawn."""
    return browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('article img')]"
        ".filter(i => i.complete && i.naturalWidth > 0)"
        ".map(i => [i.src.split('/').pop(), [i.width, i.height]]))"
    )


def no_remote_code(source: str) -> list[str]:
    """Scripts, stylesheets, images, frames and fonts the HTML would fetch from another machine."""
    fetched = r"<script[^>]*\ssrc|<link[^>]*\shref|<iframe[^>]*\ssrc|<img[^>]*\ssrc|url\("
    return re.findall(rf"""(?:{fetched})\s*=?\s*["']?(https?://[^"')\s>]+)""", source)


def test_the_home_page_shows_its_pictures_and_fetches_nothing(browser, site, requests_out):
    open_page(browser, site / "index.html")
    images = shown_images(browser)
    for name in ("graph.svg", "boundary.png", "history.png"):
        assert name in images, f"{name} is not shown; shown: {sorted(images)}"
        width, height = images[name]
        assert width > 100 and height > 100
    assert (
        "y = 0.5764, dy/dx = -1.0313, dy/dw1 = -0.2441" in browser.find_element(By.TAG_NAME, "article").text
    )
    assert requests_out(browser) == []
    assert no_remote_code((site / "index.html").read_text()) == []


def test_the_first_graph_is_the_engines_picture(site):
    svg = ET.parse(site / "start" / "graph.svg").getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    # The lecture's example at x = 2, w1 = 0.5: y and the gradients of x and w1, as derived by hand.
    for label, number in (("w1", "-0.2441"), ("x", "-1.0313")):
        i = texts.index(label)
        assert texts[i : i + 5] == [label, "data", texts[i + 2], "grad", number]
    assert texts[-4:] == ["data", "0.5764", "grad", "1.0000"]


def test_a_notebook_page_shows_its_figures_graphs_and_formulas_offline(browser, site, requests_out):
    page = site / "notebooks" / f"{EXECUTED}.html"
    open_page(browser, page)
    # Jupyter's outputs are <img>s of data: URIs: Graphviz's SVG for a graph, matplotlib's PNG for a figure.
    shown = browser.execute_script(
        "return [...document.querySelectorAll('.jp-OutputArea img')]"
        ".filter(i => i.complete && i.naturalWidth > 50 && i.getBoundingClientRect().width > 50)"
        ".map(i => i.src)"
    )
    graphs = [src for src in shown if src.startswith("data:image/svg+xml;base64,")]
    assert any(re.search(rb'class="node[ "]', base64.b64decode(src.split(",", 1)[1])) for src in graphs), (
        "no computation graph (Graphviz's SVG with its nodes) is shown"
    )
    assert any(src.startswith("data:image/png;base64,") for src in shown), "no figure (a PNG) is shown"
    # MathJax comes from the site itself and typesets the formulas of the Markdown cells.
    WebDriverWait(browser, 30, poll_frequency=0.2).until(
        lambda d: d.execute_script("return document.querySelectorAll('.MathJax_CHTML, .MathJax').length") > 0
    )
    assert browser.execute_script(
        "return window.MathJax !== undefined && document.querySelector("
        "'script[src*=\"assets/mathjax/MathJax.js\"]').src.startsWith('file:')"
    )
    assert requests_out(browser) == []
    assert no_remote_code(page.read_text()) == []


def test_search_works_from_the_file_system(browser, site, requests_out):
    open_page(browser, site / "index.html")
    box = browser.find_element(By.CSS_SELECTOR, "input[data-md-component='search-query']")
    box.click()
    box.send_keys("zero_grad")
    WebDriverWait(browser, 30, poll_frequency=0.2).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item")
    )
    results = browser.find_element(By.CSS_SELECTOR, ".md-search-result").text
    assert "zero_grad" in results
    assert requests_out(browser) == []


def test_the_command_line_page_lists_every_option_of_every_command(site, capsys):
    import viz.cli

    page = html.unescape(re.sub(r"<[^>]+>", "", (site / "cli.html").read_text()))  # the text a reader sees
    top = help_of(viz.cli, [], capsys)
    commands = re.findall(r"^ {4}(\S+)", top.split("COMMAND", 2)[-1], flags=re.MULTILINE)
    assert {"demo", "graph", "train"} <= set(commands)
    for command in commands:
        assert f"$ backprop-lab {command} --help" in page
        options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_of(viz.cli, [command], capsys)))
        assert options, command
        assert {option for option in options if option not in page} == set(), command
    assert "--version" in page


def help_of(cli, argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit):
        cli.main([*argv, "--help"])
    return capsys.readouterr().out
