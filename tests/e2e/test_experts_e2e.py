"""In a real browser: the experts page trains and scores PoE and MoE."""

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def test_experts_page_trains_and_scores(page, app_url):
    page.goto(f"{app_url}/experts?bias=1.0")
    wait_for_app(page)
    page.get_by_role("button", name="⏭ Step").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^Step [1-9]/.test(p.innerText))", timeout=60_000
    )
    wait_for_app(page)
    assert page.locator('[data-testid="stMetric"]', has_text="MoE").count() >= 1
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=60_000)
    assert_no_exception(page)
