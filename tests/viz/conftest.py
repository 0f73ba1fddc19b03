"""Shared helpers for the viz tests: the lecture's example, reading an SVG back, a headless browser."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import matplotlib
import pytest

matplotlib.use("Agg")  # no window: the tests draw into files and arrays

import autograd  # noqa: E402
import viz  # noqa: E402
import viz.cli  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def close_figures():
    """Every test's matplotlib figures are closed after it (they would pile up in memory)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def lecture_example():
    """y = sin(w1*x + log(x)) + cos(x) at x = 2, w1 = 0.5: (y, x, w1), not yet backpropagated."""
    x, w1 = autograd.Value(2.0, label="x"), autograd.Value(0.5, label="w1")
    y = autograd.sin(w1 * x + autograd.log(x)) + autograd.cos(x)
    return y, x, w1


def lecture_gradients():
    """The hand derivation: dy/dx = cos(w1 x + log x)(w1 + 1/x) - sin x, dy/dw1 = cos(w1 x + log x) x."""
    x, w1 = 2.0, 0.5
    inner = math.cos(w1 * x + math.log(x))
    return {"x": inner * (w1 + 1 / x) - math.sin(x), "w1": inner * x}


class SvgPicture:
    """An SVG drawn by viz, read back: elements by id, their texts and numbers."""

    def __init__(self, source: bytes | str):
        self.source = source.decode() if isinstance(source, bytes) else source
        self.root = ET.fromstring(self.source)
        self.by_id = {g.get("id"): g for g in self.root.iter(f"{SVG}g") if g.get("id")}

    def ids(self, prefix: str) -> list[str]:
        """The ids made of prefix ('v', 'op', 'g', 'e') and numbers, in the numbers' order."""
        pattern = re.compile(re.escape(prefix) + r"(\d+)(?:_(\d+|out))?")
        keys = {}
        for i in self.by_id:
            match = pattern.fullmatch(i)
            if match:
                second = match.group(2)
                keys[i] = (int(match.group(1)), -1 if second in (None, "out") else int(second))
        return sorted(keys, key=keys.get)

    def classes(self, element_id: str) -> set[str]:
        return set(self.by_id[element_id].get("class", "").split())

    def texts(self, element_id: str) -> list[str]:
        return [t.text or "" for t in self.by_id[element_id].iter(f"{SVG}text")]

    def number(self, element_id: str, word: str) -> float:
        """The number printed after 'data' or 'grad' in a value box."""
        texts = self.texts(element_id)
        return float(texts[texts.index(word) + 1])

    def edge_ends(self, element_id: str) -> tuple[str, str]:
        """(tail, head) node names of an edge, from its <title> 'v0->op2'."""
        title = self.by_id[element_id].find(f"{SVG}title").text
        tail, head = title.split("->")
        return tail, head


@pytest.fixture
def cli(capsys):
    """cli(command, *args) runs ``backprop-lab command args`` in-process: (exit status, stdout, stderr)."""

    def run(command, *args) -> tuple[int, str, str]:
        try:
            status = viz.cli.main([command, *args])
        except SystemExit as exit:  # argparse's own exits (--help, a bad or missing argument)
            status = exit.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def draw():
    """draw(root, **options) -> SvgPicture of viz.draw_graph(root, **options)."""

    def draw(root, **options):
        return SvgPicture(viz.draw_graph(root, **options).pipe(format="svg"))

    return draw


def close_to_printed(printed: float, exact: float) -> bool:
    """Whether a number printed with 4 decimals (or 4 significant digits) is ``exact`` rounded."""
    return math.isclose(printed, exact, rel_tol=1e-3, abs_tol=5.1e-5)


@pytest.fixture
def lecture():
    """A function making a fresh copy of the lecture's example: (y, x, w1)."""
    return lecture_example


@pytest.fixture
def hand_gradients():
    return lecture_gradients()


@pytest.fixture
def printed_close():
    return close_to_printed


@pytest.fixture
def read_svg():
    """read_svg(source) -> SvgPicture."""
    return SvgPicture


@pytest.fixture(scope="module")
def browser(chromium):
    """The viz tests' name for the shared headless chromium of tests/conftest.py."""
    return chromium
