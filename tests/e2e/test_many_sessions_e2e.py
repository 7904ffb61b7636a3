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
BUTTONS_JS = "() => [...document.querySelectorAll('button')].map(b => b.innerText).filter(t => t)"


def wait_for_step(page, condition: str, errors: list[str], timeout_ms: int) -> None:
    """Wait until the page's "Step N" line satisfies ``condition`` (a JS expression in ``step``); on a timeout,
    fail with what the page showed (its step, its buttons, the browser's errors) rather than a bare timeout."""
    try:
        page.wait_for_function(f"() => {{ const step = ({STEP_JS})(); return {condition}; }}", timeout=timeout_ms)
    except Exception as timeout:  # noqa: BLE001 — re-raised with the page's state
        shown = {"step": page.evaluate(f"({STEP_JS})()"), "buttons": page.evaluate(BUTTONS_JS), "errors": errors}
        raise AssertionError(f"step never met `{condition}` in {timeout_ms} ms; the page showed {shown}") from timeout


def test_four_sessions_train_at_once_and_each_keeps_its_own_model(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in SEEDS]
    pages = [context.new_page() for context in contexts]
    errors: list[list[str]] = [[] for _ in pages]
    for page, page_errors in zip(pages, errors):
        page.on("pageerror", lambda error, into=page_errors: into.append(str(error)))
        page.on(
            "console", lambda message, into=page_errors: into.append(message.text) if message.type == "error" else None
        )
    try:
        for seed, page in zip(SEEDS, pages):
            page.goto(f"{app_url}/synergy?seed={seed}&{PLAY_ON}")
            wait_for_app(page)
        for page in pages:
            page.get_by_role("button", name="▶ Play").click()
        for page, page_errors in zip(pages, errors):
            wait_for_step(page, "step >= 60", page_errors, 120_000)
        for page in pages:
            page.get_by_role("button", name="⏸ Pause").click()
            page.get_by_role("button", name="▶ Play").wait_for(timeout=60_000)
            assert_no_exception(page)
        for page, page_errors in zip(pages, errors):  # the same point in training everywhere: reset, one Step (20)
            # the DOM click event, as in test_balancer_e2e: the paused page's last rerun may still redraw the
            # buttons, and a mouse click whose button is redrawn between press and release can be lost (CI lost
            # one Reset on 2026-12-02; not reproduced here in 30 tries, 2 cores busy or not)
            page.get_by_role("button", name="↺ Reset").dispatch_event("click")
            wait_for_step(page, "step === 0", page_errors, 60_000)
            page.get_by_role("button", name="⏭ Step").dispatch_event("click")
            wait_for_step(page, "step === 20", page_errors, 60_000)
            wait_for_app(page)
        numbers = [tuple(page.evaluate(METRICS_JS)) for page in pages]
        assert all(numbers)
        assert numbers[0] == numbers[3]  # same seed, same model, though trained in another session
        assert len({numbers[0], numbers[1], numbers[2]}) == 3  # other seeds, other numbers
        assert [f"seed={seed}" in page.url for seed, page in zip(SEEDS, pages)] == [True] * len(SEEDS)
    finally:
        for context in contexts:
            context.close()
