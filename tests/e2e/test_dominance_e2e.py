"""In a real browser: the dominance page trains and tracks both encoders."""

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def test_dominance_page_plays_and_pauses(page, app_url):
    page.goto(f"{app_url}/dominance?method=ogm_ge")
    wait_for_app(page)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^Step [2-9][0-9]{2}/.test(p.innerText))",
        timeout=90_000,
    )
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
    assert page.locator('[data-testid="stMetric"]', has_text="probe B").count() == 1
    assert_no_exception(page)
