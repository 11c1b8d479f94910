"""The suite's pages draw their figures as PNG only in tests marked ``figures``
(tests/conftest.py): elsewhere each figure is built and its page holds one pixel."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

import pactsim
from conftest import ONE_PIXEL
from pactsim.views.report import report_html

TEXT = ("pactsim: 1\nid: fig\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
        "signing: {by: {2024-06-30: 0.3, 2024-12-31: 0.6}}\n"
        "pillars:\n  energy: {p: 0.5, clauses: {gas: {p: 0.4}}}\n")


def _images(html: str) -> list[Image.Image]:
    found = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    images = [Image.open(io.BytesIO(base64.b64decode(d))) for d in found]
    for im in images:
        im.load()  # a broken PNG raises here
    return images


def _page() -> str:
    return report_html(pactsim.simulate(pactsim.loads(TEXT), 2000, seed=1))


def test_one_pixel_is_a_png() -> None:
    im = Image.open(io.BytesIO(ONE_PIXEL))
    im.load()
    assert im.size == (1, 1)


def test_a_page_holds_one_pixel_per_figure_unless_marked() -> None:
    images = _images(_page())
    assert images and all(im.size == (1, 1) for im in images)


@pytest.mark.figures
def test_a_page_marked_figures_holds_the_figures_drawn() -> None:
    images = _images(_page())
    # 144 dots an inch, figures a few inches wide
    assert images and all(im.size[0] > 400 and im.size[1] > 150 for im in images)
