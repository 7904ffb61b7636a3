"""In a real browser: Play on the contrastive page, recall rises."""

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

RECALL_JS = """() => { const card = [...document.querySelectorAll('[data-testid="stMetric"]')]
  .find(m => m.innerText.includes('recall@1 A → B')); if (!card) return -1;
  return parseFloat(card.querySelector('[data-testid="stMetricValue"]').innerText); }"""


def test_contrastive_play_raises_recall(page, app_url):
    page.goto(f"{app_url}/contrastive")
    wait_for_app(page)
    before = page.evaluate(RECALL_JS)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        f"() => ({RECALL_JS})() >= 3 * Math.max({before}, 0.1) && ({RECALL_JS})() >= 2", timeout=90_000
    )
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    assert_no_exception(page)
