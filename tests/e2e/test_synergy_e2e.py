"""In a real browser: home → Synergy → Play → the MLP reaches ≥ 98 % on screen."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def metric_value(page, label: str) -> float:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    text = card.locator('[data-testid="stMetricValue"]').inner_text()
    return float(re.sub(r"[^0-9.]", "", text)) / 100


def test_home_to_synergy_play_solves_xor(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert "multimodal" in page.locator("h1").first.inner_text().lower()
    assert_no_exception(page)
    page.get_by_role("link", name=re.compile("Synergy")).first.click()
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
              .some(m => m.innerText.includes('MLP') && parseFloat(m.querySelector('[data-testid="stMetricValue"]')
              .innerText) >= 98)""",
        timeout=60_000,
    )
    assert metric_value(page, "MLP on [x, y]") >= 0.98
    assert metric_value(page, "A only") <= 0.60
    page.get_by_role("button", name="⏸ Pause").click()
    page.wait_for_selector('button:has-text("▶ Play")', timeout=30_000)
    assert_no_exception(page)
