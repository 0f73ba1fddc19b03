"""Shared by every browser test: headless chromium (the viz tests call it `browser`).

Debian's chromium, driven by selenium through chromedriver, as in tests/viz/test_player_browser.py;
with the DevTools network log on: the fixture `requests_out` reads, from that log, every
request a page made (failed ones included) that would leave the machine.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
    # No network but this machine: any other host name fails to resolve, so nothing can leave.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL = ("file:", "data:", "blob:", "about:", "chrome:")  # chrome: the browser's own pages, not a network


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless chromium (a selenium driver) whose network log `requested(driver)` reads."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def requests_out():
    """requests_out(driver) -> the URLs asked for since the last call that would leave the machine."""
    return lambda driver: [url for url in requested(driver) if not url.startswith(LOCAL)]


def requested(driver) -> list[str]:
    """Every URL asked for since the last call, from the browser's network log (failed requests too)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run import-linter on ``project`` with the contracts of its pyproject.toml."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def lint_imports():
    """import-linter as a function of a project folder (the architecture tests break its contracts)."""
    return _lint_imports


class CollectionCounter:
    """Counts the cyclic collector's runs (through ``gc.callbacks``) inside a ``with`` block."""

    def __init__(self):
        self.runs = 0

    def __call__(self, phase, info):
        self.runs += phase == "start"

    def __enter__(self):
        gc.collect()
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


@pytest.fixture
def count_collections():
    """``with count_collections() as c: ...`` then ``c.runs``: how often the cyclic collector ran."""
    return CollectionCounter
