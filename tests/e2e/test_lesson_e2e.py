"""A lecturer's path on a 1024×768 projector: open a shipped lesson's first link, find Play with one Tab, step
through the lesson with Next → (Play on screen at every step), and finish."""

import pytest

from mmplay.labs.lessons import lessons, step_query
from tests.e2e.conftest import ARTIFACTS, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1024, 768


def test_a_lecturer_steps_through_the_synergy_lesson_on_a_projector(browser, app_url):
    lesson = lessons()["synergy"]
    query = "&".join(f"{k}={v}" for k, v in step_query(lesson, 1, present=True).items())
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(f"{app_url}/{lesson.steps[0].page}?{query}")
        wait_for_app(page, timeout_ms=120_000)
        play = page.get_by_role("button", name="▶ Play")
        play.wait_for(timeout=60_000)
        for number in range(1, len(lesson.steps) + 1):
            stepper = page.get_by_text(f"step {number} / {len(lesson.steps)}")
            stepper.wait_for(timeout=60_000)
            wait_for_app(page, timeout_ms=120_000)
            assert_no_exception(page)
            toggle = page.locator('[class*="-run-play"] button, [class*="-run-pause"] button').first
            toggle.wait_for(timeout=60_000)
            box = toggle.bounding_box()
            assert box["y"] + box["height"] <= HEIGHT, f"step {number}: Play ends at {box['y'] + box['height']:.0f} px"
            assert page.get_by_text("Ask the class").count() == 1
            if number == 1:  # the first Tab stop of the page is Play
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.textContent").startswith("▶ Play")
            page.screenshot(path=str(ARTIFACTS / f"lesson_synergy_step{number}.png"))
            if number < len(lesson.steps):
                page.get_by_role("link", name="Next →").click()
        page.get_by_role("link", name="Finish ✓").click()
        page.get_by_text("Lessons for a class").wait_for(timeout=60_000)
    finally:
        context.close()
