"""Several students at once: one server, four browser sessions training at the same time, no errors,
and each session keeps its own model: after all four trained together, each is reset and stepped
once, and sessions on the same seed show the same numbers while sessions on other seeds do not."""

import pytest

from benchmarks.harness import PLAY_ON
from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e
SEEDS = (0, 1, 2, 0)  # sessions 0 and 3 share a seed
STEP_JS = """() => { const p = [...document.querySelectorAll('p')].find(x => /^Step \\d+/.test(x.innerText));
  return p ? parseInt(p.innerText.slice(5)) : -1; }"""
# each decision-boundary tile's title carries its model's test accuracy ("MLP on [x, y] · 99%")
METRICS_JS = "() => [...document.querySelectorAll('.js-plotly-plot .annotation-text')].map(t => t.textContent)"


def test_four_sessions_train_at_once_and_each_keeps_its_own_model(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in SEEDS]
    pages = [context.new_page() for context in contexts]
    try:
        for seed, page in zip(SEEDS, pages):
            page.goto(f"{app_url}/synergy?seed={seed}&{PLAY_ON}")
            wait_for_app(page)
        for page in pages:
            page.get_by_role("button", name="▶ Play").click()
        for page in pages:
            page.wait_for_function(f"() => ({STEP_JS})() >= 60", timeout=120_000)
        for page in pages:
            page.get_by_role("button", name="⏸ Pause").click()
            page.get_by_role("button", name="▶ Play").wait_for(timeout=60_000)
            assert_no_exception(page)
        for page in pages:  # the same point in training everywhere: reset, then one Step (20 steps)
            page.get_by_role("button", name="↺ Reset").click()
            page.wait_for_function(f"() => ({STEP_JS})() === 0", timeout=60_000)
            page.get_by_role("button", name="⏭ Step").click()
            page.wait_for_function(f"() => ({STEP_JS})() === 20", timeout=60_000)
            wait_for_app(page)
        numbers = [tuple(page.evaluate(METRICS_JS)) for page in pages]
        assert all(numbers)
        assert numbers[0] == numbers[3]  # same seed, same model, though trained in another session
        assert len({numbers[0], numbers[1], numbers[2]}) == 3  # other seeds, other numbers
        assert [f"seed={seed}" in page.url for seed, page in zip(SEEDS, pages)] == [True] * len(SEEDS)
    finally:
        for context in contexts:
            context.close()
