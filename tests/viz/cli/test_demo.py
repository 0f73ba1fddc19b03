"""`backprop-lab demo`: the whole lecture in one folder with an index.html, runnable twice in a row."""

from __future__ import annotations

import base64
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import viz.cli

PICTURES = [
    "lecture_graph.svg",
    "activations.png",
    "feature_space.png",
    "neuron.svg",
    "spiral_history.png",
    "spiral_network.svg",
    "spiral_raw_vs_features.png",
    "vanishing_gradients.png",
]
FILES = sorted([*PICTURES, "lecture_steps.html", "index.html"])


def run(capsys, *args) -> tuple[int, str, str]:
    try:
        status = viz.cli.main(["demo", *args])
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


class Page(HTMLParser):
    """The parts of index.html the tests read: headings, images, iframes, links."""

    def __init__(self, text: str):
        super().__init__()
        self.images, self.frames, self.links, self.headings, self._in_h2 = [], [], [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "iframe":
            self.frames.append(attrs)
        elif tag == "a":
            self.links.append(attrs["href"])
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.headings[-1] += data


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The real demo, run once: (its folder, what it printed)."""
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    status = viz.cli.main(["demo", "--out", str(out)])
    assert status == 0
    return out


def test_the_demo_writes_every_picture_and_an_index(demo):
    assert sorted(p.name for p in demo.iterdir() if not p.name.startswith(".")) == FILES


def test_the_index_embeds_every_picture_and_the_player_with_a_sentence_each(demo):
    text = (demo / "index.html").read_text(encoding="utf-8")
    page = Page(text)
    assert len(page.headings) == 9
    embedded = [base64.b64decode(img["src"].split(",", 1)[1]) for img in page.images]
    assert sorted(embedded) == sorted((demo / name).read_bytes() for name in PICTURES)
    assert all(img["alt"] for img in page.images)
    (frame,) = page.frames
    assert frame["srcdoc"] == (demo / "lecture_steps.html").read_text(encoding="utf-8")
    assert sorted(page.links) == sorted([*PICTURES, "lecture_steps.html"])
    assert len(re.findall(r"<section>\s*<h2>.*?</h2>\s*<p>[^<]{40,}</p>", text)) == 9


def test_the_index_needs_no_network(demo):
    text = (demo / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html.unescape(text))
    assert "@import" not in text and "<link" not in text


def test_the_sentences_quote_the_numbers_the_engine_computed(demo):
    text = html.unescape((demo / "index.html").read_text(encoding="utf-8"))
    assert "dy/dx = -1.0313, dy/dw1 = -0.2441" in text  # the lecture's hand-derived gradients
    spiral = re.search(
        r"Left, a network .*?\((train \d+%, test (\d+)%)\).*?\((train \d+%, test (\d+)%)\)", text
    )
    assert spiral and int(spiral.group(4)) >= 90  # one neuron on (r, spiral) separates the held-out points


def test_running_it_again_replaces_its_own_folder(demo, capsys):
    status, stdout, _ = run(capsys, "--out", str(demo), "--quick")
    assert status == 0
    assert sorted(p.name for p in demo.iterdir() if not p.name.startswith(".")) == FILES
    assert sorted(p.name for p in demo.parent.iterdir()) == ["demo-out"]  # no work folder left over
    index = Path(stdout.strip().splitlines()[-1].split(": ", 1)[1])
    assert index.is_absolute() and index == (demo / "index.html").resolve() and index.exists()


def test_it_never_replaces_a_folder_it_did_not_make(capsys, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    status, stdout, stderr = run(capsys, "--out", str(mine), "--quick")
    assert status == 2 and stdout == ""
    assert stderr == (
        f"backprop-lab demo: error: --out {mine} exists and was not made by backprop-lab demo; "
        "choose another output folder (nothing was changed)\n"
    )
    assert [p.name for p in mine.iterdir()] == ["notes.txt"] and (mine / "notes.txt").read_text() == "keep me"


def test_help_says_that_the_folder_is_replaced_and_hides_the_testing_knob(capsys):
    status, stdout, _ = run(capsys, "--help")
    assert status == 0
    assert "REPLACES" in stdout and "demo-out" in stdout
    assert "--quick" not in stdout
