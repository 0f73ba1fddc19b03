"""The step player in a real browser: Debian's chromium, driven by selenium through chromedriver.

The page is opened from a file, stepped with the buttons and the arrow keys, and what it
highlights and what its ledger says are checked against the engine's numbers. The
browser is the ``browser`` fixture of tests/viz/conftest.py.
Set BACKPROP_LAB_SCREENS to a folder to keep a screenshot there as well.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import viz
from viz.graph import node_ids
from viz.graph.style import number
from viz.steps import frame_folder


@pytest.fixture
def page(browser, tmp_path, lecture):
    """The lecture example's player, open in the browser: (driver, y, x, w1)."""
    y, x, w1 = lecture()
    path = viz.save_steps_html(y, tmp_path / "steps.html")
    browser.get(path.as_uri())
    return browser, y, x, w1


def step_index(driver) -> int:
    return int(driver.execute_script("return document.body.dataset.step"))


def marked(driver, cls: str) -> set[str]:
    return set(
        driver.execute_script(f"return [...document.querySelectorAll('#graph .{cls}')].map(e => e.id)")
    )


def box_grad(driver, element_id: str) -> str:
    return driver.execute_script(f"return document.querySelector('#{element_id} .grad-value').textContent")


def ledger_numbers(driver, role: str, key: str) -> list[float]:
    values = driver.execute_script(
        f"return [...document.querySelectorAll('#ledger .{role}')].map(e => e.dataset['{key}'])"
    )
    return [float(v) for v in values]


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def test_the_page_loads_nothing_from_anywhere(page, tmp_path):
    driver, *_ = page
    html = (tmp_path / "steps.html").read_text()
    assert not re.search(r"<link|\bsrc=|@import|url\(", html)
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {
        "http://www.w3.org/2000/svg",  # namespaces: names, never fetched
        "http://www.w3.org/1999/xlink",
    }
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert driver.find_element(By.ID, "counter").text == f"Step 1 / {len(viz.backprop_steps(page[1]))}"


def test_next_button_and_arrow_key_step_through_backprop(page):
    driver, y, x, w1 = page
    driver.find_element(By.ID, "next").click()
    driver.find_element(By.ID, "next").click()
    press(driver, Keys.ARROW_RIGHT)
    assert step_index(driver) == 3
    step = viz.backprop_steps(y)[3]
    ids = node_ids(y)
    i = ids[step.node][1:]
    assert marked(driver, "current") == {f"v{i}", f"op{i}"}
    assert marked(driver, "neighbour") == {ids[inp.node] for inp in step.inputs}
    assert marked(driver, "active") == {f"e{i}_out"} | {f"e{i}_{k}" for k in range(len(step.inputs))}
    # The ledger's numbers are the engine's (exactly: they ride along in data- attributes) ...
    assert ledger_numbers(driver, "upstream", "upstream") == [step.upstream]
    assert ledger_numbers(driver, "chain", "product") == [inp.product for inp in step.inputs]
    assert ledger_numbers(driver, "grad", "grad") == [inp.grad_after for inp in step.inputs]
    ledger = driver.find_element(By.ID, "ledger").text
    for inp in step.inputs:
        assert inp.equation in ledger
        assert f"× {number(inp.local)} = {number(inp.product)}" in ledger
    # ... and so are the gradients printed in the boxes: the inputs' new ones, 0 where none arrived yet.
    for inp in step.inputs:
        assert box_grad(driver, ids[inp.node]) == number(step.grads[inp.node])
    assert box_grad(driver, ids[w1]) == number(step.grads[w1]) == "0"


def test_prev_left_arrow_home_and_end(page, hand_gradients):
    driver, y, x, w1 = page
    for _ in range(4):
        press(driver, Keys.ARROW_RIGHT)
    driver.find_element(By.ID, "prev").click()
    press(driver, Keys.ARROW_LEFT)
    assert step_index(driver) == 2
    press(driver, Keys.HOME)
    assert step_index(driver) == 0 and marked(driver, "current") == {node_ids(y)[y]}
    assert driver.find_element(By.ID, "prev").get_attribute("disabled") == "true"
    press(driver, Keys.END)
    steps = viz.backprop_steps(y)
    assert step_index(driver) == len(steps) - 1
    ids = node_ids(y)
    assert box_grad(driver, ids[x]) == number(hand_gradients["x"])
    assert box_grad(driver, ids[w1]) == number(hand_gradients["w1"])
    assert driver.find_element(By.ID, "next").get_attribute("disabled") == "true"


def test_play_runs_to_the_last_step_and_stops(browser, tmp_path, lecture):
    y, *_ = lecture()
    driver = browser
    driver.get(viz.save_steps_html(y, tmp_path / "fast.html", seconds_per_step=0.1).as_uri())
    last = len(viz.backprop_steps(y)) - 1
    play = driver.find_element(By.ID, "play")
    play.click()
    assert "Pause" in play.text
    WebDriverWait(driver, 60, poll_frequency=0.2).until(lambda d: step_index(d) == last)
    assert "Play" in play.text


def test_the_page_reads_well_on_a_projector(page, tmp_path):
    driver, *_ = page
    for _ in range(3):
        press(driver, Keys.ARROW_RIGHT)
    graph = driver.find_element(By.ID, "graph").rect
    ledger = driver.find_element(By.ID, "ledger").rect
    overlap_x = min(graph["x"] + graph["width"], ledger["x"] + ledger["width"]) - max(graph["x"], ledger["x"])
    overlap_y = min(graph["y"] + graph["height"], ledger["y"] + ledger["height"]) - max(
        graph["y"], ledger["y"]
    )
    assert overlap_x <= 0 or overlap_y <= 0  # the ledger is beside or under the graph, never on it
    size = driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('#ledger .rule')).fontSize)"
    )
    assert size >= 18
    shot = tmp_path / "player.png"
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("BACKPROP_LAB_SCREENS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "step_player.png")


def test_the_forward_pass_fades_what_is_not_computed_yet(browser, tmp_path, lecture):
    y, x, w1 = lecture()
    path = viz.save_steps_html(y, tmp_path / "forward.html", forward=True)
    browser.get(path.as_uri())
    steps = viz.backprop_steps(y, forward=True)
    ids = node_ids(y)
    first = steps[0].node
    assert marked(browser, "current") == {ids[first], f"op{ids[first][1:]}"}
    pending = marked(browser, "pending")
    assert ids[y] in pending and ids[first] not in pending and ids[x] not in pending
    assert "= " + number(first.data) in browser.find_element(By.ID, "ledger").text
    press(browser, Keys.END)
    assert marked(browser, "pending") == set()


def test_the_notebook_player_works_inside_its_frame(browser, tmp_path, lecture):
    y, *_ = lecture()
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{viz.StepPlayer(y)._repr_html_()}</body></html>")
    browser.get(notebook.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        browser.find_element(By.ID, "next").click()
        assert step_index(browser) == 1
        step = viz.backprop_steps(y)[1]
        assert ledger_numbers(browser, "chain", "product") == [inp.product for inp in step.inputs]
    finally:
        browser.switch_to.default_content()


def test_numbered_svg_frames_one_per_step_with_highlight_and_ledger(tmp_path, lecture, read_svg):
    y, x, w1 = lecture()
    folder = tmp_path / "frames"
    (folder).mkdir()
    (folder / "notes.txt").write_text("not a frame: stays")
    older = viz.save_steps_svg(y, folder, forward=True)  # an older, longer run: its extra frames must go
    paths = viz.save_steps_svg(y, folder)
    steps = viz.backprop_steps(y)
    assert len(older) > len(paths)
    assert [p.name for p in paths] == [f"{n:03d}.svg" for n in range(1, len(steps) + 1)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in paths] + ["notes.txt", frame_folder.MANIFEST]
    )
    ids = node_ids(y)
    for path, step in zip(paths, steps):
        svg = read_svg(path.read_bytes())
        i = ids[step.node]
        assert "current" in svg.classes(i)
        assert "ledger" in svg.by_id and svg.texts("ledger")[0].startswith("Backward")
        for v, g in step.grads.items():
            texts = svg.texts(ids[v])
            assert texts[texts.index("grad") + 1] == number(g)
    last = read_svg(paths[-1].read_bytes())
    assert any(inp.equation in last.texts("ledger") for inp in steps[-1].inputs)


def test_seconds_per_step_must_be_positive(lecture, tmp_path):
    y, *_ = lecture()
    with pytest.raises(ValueError, match="seconds_per_step"):
        viz.save_steps_html(y, tmp_path / "s.html", seconds_per_step=0)
    assert list(tmp_path.iterdir()) == []


def test_the_player_cannot_collapse(lecture, tmp_path):
    y, *_ = lecture()
    with pytest.raises(ValueError, match="every node"):
        viz.save_steps_html(y, tmp_path / "s.html", collapse="neuron")


def test_without_dot_nor_the_in_browser_graphviz_the_player_says_how_to_install(
    lecture, tmp_path, monkeypatch
):
    """With the in-browser Graphviz the player needs no dot (tests/viz/graph/test_browser_layout.py)."""
    y, *_ = lecture()
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(viz.graph.browser, "available", lambda: False)
    with pytest.raises(viz.GraphvizNotFound, match="install"):
        viz.save_steps_html(y, tmp_path / "steps.html")
    assert (tmp_path / "steps.dot").read_text().startswith("digraph")
    assert not (tmp_path / "steps.html").exists()
