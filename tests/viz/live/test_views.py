"""The live views' SVG: links coloured by the weight's sign and sized by its size, points by class."""

import re

import numpy as np

from viz.live import views

BLUE, ORANGE = "#0877bd", "#f59322"


def test_links_are_blue_for_positive_orange_for_negative_and_as_wide_as_the_weight():
    svg = views.network_svg(["x1", "x2"], [["u", "u"], ["u"]], [np.array([[1.0, -0.5]])])
    links = re.findall(r'<line [^>]*stroke="([^"]+)" stroke-width="([^"]+)"', svg)
    assert links == [(BLUE, "4.50"), (ORANGE, "2.50")]  # 0.5 + 4 |w| / max |w|


def test_the_chosen_unit_is_framed():
    svg = views.network_svg(["x1"], [["u"], ["u", "u"]], [np.array([[1.0], [2.0]])], chosen=(1, 1))
    frames = re.findall(r'<rect [^>]*y="(\d+)"[^>]*stroke="([^"]+)" stroke-width="(\d)"', svg)
    assert frames == [("10", "#cccccc", "1"), ("10", "#cccccc", "1"), ("60", "#000000", "2")]


def test_points_are_placed_on_the_plane_and_coloured_by_class():
    svg = views.points_svg(np.array([[-1.0, 1.0], [1.0, -1.0]]), [0, 1], (-2.0, 2.0), size=100)
    assert svg == (
        f'<circle cx="25.0" cy="25.0" r="3" fill="{ORANGE}" stroke="{ORANGE}" stroke-width="1"/>'
        f'<circle cx="75.0" cy="75.0" r="3" fill="{BLUE}" stroke="{BLUE}" stroke-width="1"/>'
    )


def test_the_loss_curve_ends_at_the_last_losses():
    svg = views.loss_svg([1.0, 0.5], [1.0, 0.25], width=100, height=40)
    train = re.findall(r'<polyline points="([^"]+)"', svg)[1]
    assert train == "0.0,4.0 100.0,22.0"  # 40 - v / 1.0 * 36
    assert "training loss 0.500" in svg and "test loss 0.250" in svg
