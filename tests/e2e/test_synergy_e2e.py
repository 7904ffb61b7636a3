"""In a real browser: home → Synergy → Play → the MLP reaches ≥ 98 % on screen (its boundary tile's title)."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

TILE_TITLES = ".js-plotly-plot .annotation-text"


def tile_accuracy(page, label: str) -> float:
    """The test accuracy in the title of ``label``'s decision-boundary tile ("MLP on [x, y] · 100%")."""
    titles = page.locator(TILE_TITLES).all_text_contents()
    title = next((t for t in titles if t.startswith(label)), None)
    assert title is not None, titles
    return float(re.search(r"·\s*([0-9.]+)%", title).group(1)) / 100


def test_home_to_synergy_play_solves_xor(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert "multimodal" in page.locator("h1").first.inner_text().lower()
    assert_no_exception(page)
    page.get_by_role("link", name=re.compile("Synergy")).first.click()
    page.wait_for_selector(TILE_TITLES, timeout=60_000)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        """(selector) => [...document.querySelectorAll(selector)]
              .some(t => t.textContent.startsWith('MLP') && parseFloat(t.textContent.split('·')[1]) >= 98)""",
        arg=TILE_TITLES,
        timeout=60_000,
    )
    page.get_by_role("button", name="⏸ Pause").click()
    page.wait_for_selector('button:has-text("▶ Play")', timeout=30_000)
    page.wait_for_selector(TILE_TITLES, timeout=30_000)  # read once the paused panel has drawn
    assert tile_accuracy(page, "MLP on [x, y]") >= 0.98
    assert tile_accuracy(page, "A only") <= 0.60
    assert_no_exception(page)
