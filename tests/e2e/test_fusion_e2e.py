"""In a real browser: the fusion page trains the logit models and runs the sequence sweep."""

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def test_fusion_page_trains_and_sweeps(page, app_url):
    page.goto(f"{app_url}/fusion?prior=0.8")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Device:").wait_for(timeout=30_000)
    assert "PoE vs MoE" in page.locator('[data-testid="stSidebarNav"]').inner_text()  # direct link → app.py ran
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^Step [1-9][0-9]{2}/.test(p.innerText))",
        timeout=60_000,
    )
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    page.get_by_role("button", name="Run the sweep").click()
    page.get_by_text("Attention peak on the relevant frame").wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stMetric"]', has_text="cross-attention").count() == 1
    assert_no_exception(page)
