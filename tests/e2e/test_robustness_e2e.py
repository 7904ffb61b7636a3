"""In a real browser: the gating and missing-modality pages train and show their curves."""

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("slug, card", [("gating", "rule gate"), ("missing", "modality dropout")])
def test_robustness_page_steps_and_draws(page, app_url, slug, card):
    page.goto(f"{app_url}/{slug}")
    wait_for_app(page)
    page.get_by_role("button", name="⏭ Step").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^Step [1-9]/.test(p.innerText))", timeout=60_000
    )
    wait_for_app(page)
    assert page.locator('[data-testid="stMetric"]', has_text=card).count() >= 1
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
    assert_no_exception(page)
