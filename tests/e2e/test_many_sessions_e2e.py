"""Several students at once: one server, four browser sessions training at the same time, no errors,
and each session keeps its own model."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e
SESSIONS = 4
STEP_JS = """() => { const p = [...document.querySelectorAll('p')].find(x => /^Step \\d+/.test(x.innerText));
  return p ? parseInt(p.innerText.slice(5)) : -1; }"""


def test_four_sessions_train_at_once(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(SESSIONS)]
    pages = [context.new_page() for context in contexts]
    try:
        for i, page in enumerate(pages):
            page.goto(f"{app_url}/synergy?seed={i}")
            wait_for_app(page)
        for page in pages:
            page.get_by_role("button", name="▶ Play").click()
        for page in pages:
            page.wait_for_function(f"() => ({STEP_JS})() >= 60", timeout=120_000)
        for page in pages:
            page.get_by_role("button", name="⏸ Pause").click()
            page.get_by_role("button", name="▶ Play").wait_for(timeout=60_000)
            assert_no_exception(page)
        seeds = [re.search(r"seed=(\d+)", page.url).group(1) for page in pages]
        assert seeds == [str(i) for i in range(SESSIONS)]  # each session kept its own configuration
    finally:
        for context in contexts:
            context.close()
