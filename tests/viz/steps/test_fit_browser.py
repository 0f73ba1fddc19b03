"""Graphs that fit, in chromium: the player and a notebook cell at 1280 and 1200 px, zoom, the frame's height.

The lecture's example and a gradient-of-gradient graph (wider) are drawn; the page must not
scroll sideways, the whole graph (its output node too) must be in view, and the notebook
player's frame must be as tall as its content. Set BACKPROP_LAB_SCREENS to keep screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

import autograd
import viz


def gradient_of_gradient():
    """dy/dx of the lecture's example as a graph of its own (create_graph=True): much wider than y's."""
    x, w1 = autograd.Value(2.0, label="x"), autograd.Value(0.5, label="w1")
    y = autograd.sin(w1 * x + autograd.log(x)) + autograd.cos(x)
    return autograd.grad(y, x, create_graph=True)


def keep(driver, name: str) -> None:
    folder = os.environ.get("BACKPROP_LAB_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        width = driver.get_window_size()["width"]
        driver.set_window_size(width, min(max(height + 140, 600), 2400))
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        driver.set_window_size(width, 800)


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def rect(driver, element) -> dict:
    return driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.toJSON()", element)


@pytest.mark.parametrize("width", [1280, 1200])
@pytest.mark.parametrize("graph", ["lecture", "gradient_of_gradient"])
def test_the_player_fits_the_whole_graph_without_sideways_scrolling(browser, tmp_path, lecture, width, graph):
    root = lecture()[0] if graph == "lecture" else gradient_of_gradient()
    browser.set_window_size(width, 800)
    try:
        browser.get(viz.save_steps_html(root, tmp_path / "steps.html").as_uri())
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        box = browser.find_element(By.ID, "graph")
        svg = box.find_element(By.TAG_NAME, "svg")
        assert inside(rect(browser, svg), rect(browser, box))
        output = browser.find_element(By.ID, viz.graph.node_ids(root)[root])
        assert inside(rect(browser, output), rect(browser, box))  # the output node is not cut off
        scale = float(browser.execute_script("return document.body.dataset.scale"))
        assert 0.4 < scale <= 1.0  # scaled down, never up
        keep(browser, f"player-{graph}-{width}")
    finally:
        browser.set_window_size(1280, 800)


def test_zoom_buttons_and_ctrl_wheel_scale_the_graph_and_fit_comes_back(browser, tmp_path):
    browser.get(viz.save_steps_html(gradient_of_gradient(), tmp_path / "steps.html").as_uri())
    scale = lambda: float(browser.execute_script("return document.body.dataset.scale"))  # noqa: E731
    fitted = scale()
    browser.find_element(By.ID, "zoom-in").click()
    assert scale() == pytest.approx(fitted * 1.25, rel=1e-2)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1280  # the box scrolls
    graph = browser.find_element(By.ID, "graph")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", graph)
    browser.execute_script(
        "arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: 100, ctrlKey: true, bubbles: true,"
        " cancelable: true}))",
        graph,
    )
    assert scale() == pytest.approx(fitted * 1.25 / 1.1, rel=1e-2)
    browser.find_element(By.ID, "zoom-fit").click()
    assert scale() == pytest.approx(fitted, rel=1e-3)
    assert browser.execute_script("return document.body.dataset.zoom") == "fit"


def test_a_notebook_cell_fits_the_graph_and_the_player_frame_takes_its_contents_height(
    browser, tmp_path, lecture
):
    y, *_ = lecture()
    y.backward()
    cell = viz.draw_graph(y)._repr_mimebundle_()["text/html"]
    wide = viz.draw_graph(gradient_of_gradient())._repr_mimebundle_()["text/html"]
    player = viz.StepPlayer(lecture()[0])._repr_html_()
    page = tmp_path / "notebook.html"
    # A notebook's output area: a column narrower than the window, as in JupyterLab at 1200 px.
    page.write_text(
        "<!DOCTYPE html><html><body style='margin: 0'><div id='cell' style='width: 900px; margin-left: 90px'>"
        f"<div id='one'>{cell}</div><div id='two'>{wide}</div>{player}</div></body></html>"
    )
    browser.set_window_size(1200, 800)
    try:
        browser.get(page.as_uri())
        column = rect(browser, browser.find_element(By.ID, "cell"))
        for box in ("one", "two"):  # the whole picture (the output node too) in the column, scaled down
            picture = browser.find_element(By.CSS_SELECTOR, f"#{box} img")
            assert inside(rect(browser, picture), column)
            assert browser.execute_script("return arguments[0].naturalWidth", picture) > column["width"]
        # A click on the picture shows it at its natural size (wider than the column: the box scrolls).
        browser.find_element(By.CSS_SELECTOR, "#two label").click()
        assert rect(browser, browser.find_element(By.CSS_SELECTOR, "#two img"))["width"] > column["width"]
        frame = browser.find_element(By.TAG_NAME, "iframe")
        browser.switch_to.frame(frame)
        content = browser.execute_script("return document.body.scrollHeight")
        browser.switch_to.default_content()
        height = rect(browser, frame)["height"]
        assert content <= height <= content + 10  # no inner scroll bar, no empty space
        assert height != 600  # not the first guess: the page set it
        keep(browser, "notebook-1200")
    finally:
        browser.set_window_size(1280, 800)
