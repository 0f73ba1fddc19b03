"""The live widgets in a real browser: Voilà serves a small notebook on localhost, chromium uses it.

Voilà runs the notebook in a kernel and shows its widgets as a page, with the same
ipywidgets front end as JupyterLab, so the test drives what a student clicks (Play,
Pause, a unit, the quiz's boxes) without driving JupyterLab's own interface (menus, cells),
which is slower to start and not what is being tested. The server is started on a free
port with a token, in a temporary folder, and always stopped. Nothing outside localhost.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import viz
from viz.graph.names import node_names

CELLS = [
    "import viz",
    "playground = viz.Playground(points=200)\nplayground",
    'backprop = viz.Backprop("sin(w1*x + log(x)) + cos(x)", x=2, w1=0.5, quiz=True)\nbackprop',
    # A busy kernel, as when the Playground trains beside the quiz: each answer box's text
    # takes it 0.5 s. The browser meanwhile holds that box's next updates, not Check's click.
    "import time\n"
    "slow = lambda change: time.sleep(0.5)\n"
    "busy = lambda change: [box.observe(slow, 'value') for box in backprop.answers]\n"
    "backprop.answer_box.observe(busy, 'children')",
]
STARTUP = 40  # seconds for the server, the kernel and the notebook's cells


def notebook(cells) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
            for s in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """A Voilà server on 127.0.0.1 showing the notebook of CELLS: its URL (with the token)."""
    folder = tmp_path_factory.mktemp("voila")
    (folder / "widgets.ipynb").write_text(json.dumps(notebook(CELLS)))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, MPLBACKEND="Agg")
    for variable, name in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[variable] = str(folder / name)
    log = (folder / "voila.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", "widgets.ipynb", "--no-browser", f"--port={port}"]
        + ["--Voila.ip=127.0.0.1", f"--token={token}", "--VoilaConfiguration.file_allowlist=[]"],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its kernel too is in this group: stopped together
    )
    url = f"http://127.0.0.1:{port}/?token={token}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            if server.poll() is not None:
                pytest.fail(f"Voilà stopped at start:\n{(folder / 'voila.log').read_text()[-3000:]}")
            try:  # listening means ready: the page itself runs the notebook's cells
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Voilà did not listen within {STARTUP} s")
                time.sleep(0.2)
        yield url
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
        log.close()


def keep(driver, name: str, element=None) -> None:
    """A screenshot in $BACKPROP_LAB_SCREENS (when set), to look at the widgets as a student sees them.

    ``element``: scrolled to the top of the window first.
    """
    folder = os.environ.get("BACKPROP_LAB_SCREENS")
    if folder:
        if element is not None:
            driver.execute_script("arguments[0].scrollIntoView(true)", element)
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def wait(driver, condition, seconds: float = 20):
    """Wait for ``condition``; an element redrawn meanwhile (stale) only means: look again."""
    return WebDriverWait(
        driver, seconds, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
    ).until(condition)


def button(driver, text: str):
    return driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']")


def epoch(driver) -> int:
    """The epoch counter's number (read in the page: the widget redraws its text while training)."""
    text = driver.execute_script(
        "const b = [...document.querySelectorAll('.widget-html-content b')]"
        "  .find(e => e.textContent.startsWith('Epoch')); return b ? b.textContent : null"
    )
    return int(text.split()[1])


def boundary(driver) -> str:
    """The decision boundary's heat map (a PNG data URI in the plane's SVG)."""
    return driver.execute_script("return document.querySelector('svg.plane image').getAttribute('href')")


@pytest.fixture(scope="module")
def page(browser, voila):
    browser.set_window_size(1280, 1000)
    browser.get(voila)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.plane image"), STARTUP)
    wait(browser, lambda d: d.find_elements(By.XPATH, "//button[normalize-space()='Check']"), STARTUP)
    return browser


def test_play_trains_the_epoch_and_the_boundary_change_and_pause_stops(page):
    before, picture = epoch(page), boundary(page)
    button(page, "Play").click()
    wait(page, lambda d: epoch(d) >= before + 3)
    button(page, "Pause").click()
    wait(page, lambda d: button(d, "Play"))
    assert boundary(page) != picture
    keep(page, "playground-after-play", page.find_element(By.TAG_NAME, "body"))
    stopped = epoch(page)
    time.sleep(1.0)
    assert epoch(page) == stopped  # paused: no more epochs


def test_a_chosen_unit_shows_its_graph_and_its_step_player(page):
    chooser = page.find_element(By.XPATH, "//label[normalize-space()='unit']/following-sibling::select")
    options = [o.text for o in chooser.find_elements(By.TAG_NAME, "option")]
    assert options[0] == "layer 1 unit 1" and len(options) == 4 + 2 + 1
    Select(chooser).select_by_index(options.index("layer 1 unit 2"))
    button(page, "Show its graph").click()
    graph = wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, ".widget-output .bpl-graph img"))[0]
    svg = base64.b64decode(graph.get_attribute("src").split(",", 1)[1]).decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "x1" in texts and "x2" in texts and texts.count("grad") >= 5
    assert graph.size["width"] <= page.find_element(By.CSS_SELECTOR, ".bpl-graph").size["width"] + 1
    # The step player beside it (its frame may arrive after the graph: the output is written in parts).
    assert wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "iframe[srcdoc]"))
    keep(page, "playground-unit-graph", graph)


def test_the_quiz_marks_one_answer_right_and_one_wrong(page, lecture):
    """Check clicked right after typing, the kernel busy, marks the answers as typed (not "0" of "0.5")."""
    y, *_ = lecture()
    steps = viz.backprop_steps(y, forward=True)
    first = next(k for k, s in enumerate(steps) if s.kind == "backward")
    for _ in range(first):  # the forward steps and the seed: Next goes on until the quiz asks
        button(page, "Next").click()
    wait(page, lambda d: "Your turn" in d.page_source)
    names = node_names(y)
    inputs = steps[first].inputs
    boxes = page.find_elements(
        By.XPATH, "//b[.='Your turn:']/ancestor::div[contains(@class,'widget-vbox')][1]//input"
    )
    assert len(boxes) == len(inputs) == 2
    boxes[0].send_keys(f"{inputs[0].grad_after:.6g}")
    boxes[1].send_keys("0.5")  # the gradient is 1: wrong
    wait(page, lambda d: button(d, "Check").is_displayed())
    button(page, "Check").click()
    feedback = wait(
        page,
        lambda d: [
            e.text
            for e in d.find_elements(By.XPATH, "//span[starts-with(., 'Right') or starts-with(., 'Not')]")
        ],
    )
    assert feedback[0] == f"Right: {inputs[0].grad_after:.6g}"
    assert feedback[1].startswith("Not 0.5: the gradient is 1. Apply: ")
    assert f"grad({names[inputs[1].node]}) += grad(out) × {inputs[1].equation}" in feedback[1]
    colours = [page.execute_script("return getComputedStyle(arguments[0]).backgroundColor", b) for b in boxes]
    assert colours == ["rgb(217, 242, 217)", "rgb(248, 215, 215)"]  # green, red
    keep(page, "backprop-quiz-marked", button(page, "Prev"))
    assert re.search(rf"Step {first} of {len(steps)}", page.page_source)  # held back until all are right


# Voilà's page template links Font Awesome from a CDN, though its own bundle carries the font;
# the browser resolves no host but this one (tests/viz/conftest.py), so those two never load.
VOILA_TEMPLATE_LINKS = {
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/v4-shims.min.css",
}


def test_the_page_fetched_nothing_outside_localhost(page):
    entries = page.execute_script(
        "return performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus, e.transferSize])"
    )
    outside = {
        u: (status, size)
        for u, status, size in entries
        if not re.match(r"(http://127\.0\.0\.1:\d+/|data:|blob:)", u)
    }
    assert len(entries) > len(outside)
    assert set(outside) <= VOILA_TEMPLATE_LINKS
    assert all(status == 0 and size == 0 for status, size in outside.values())  # tried, never loaded
    icon = page.find_element(By.CSS_SELECTOR, "button i.fa-play")  # the widgets' icons come from the bundle
    assert "Font Awesome" in page.execute_script("return getComputedStyle(arguments[0]).fontFamily", icon)
