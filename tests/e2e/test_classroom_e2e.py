"""A class on one server, measured with headless students (Streamlit's websocket protocol, no browser):
ten play at once with no error and a fair share each, a slider stays responsive, and one headless
student ticks like one real Chromium session."""

import pytest

from benchmarks.classroom import measure

pytestmark = pytest.mark.e2e


def test_ten_headless_students_play_together_without_errors_and_share_fairly():
    result = measure(students=10, lab="synergy", seconds=15)
    assert result["errors"] == 0, result["error_samples"]
    assert result["min_ticks_per_s"] > 0.5 * result["median_ticks_per_s"] > 0  # nobody starves
    assert result["slider_p95_s"] <= 1.5


def test_a_headless_student_ticks_like_a_browser(browser):
    headless = measure(students=1, lab="synergy", seconds=12)["median_ticks_per_s"]
    chromium = measure(students=1, lab="synergy", seconds=12, browser=browser)["median_ticks_per_s"]
    assert headless == pytest.approx(chromium, rel=0.2)


@pytest.mark.xfail(
    reason="4 sessions on this 2-core machine: headless 3.15 vs Chromium 1.60 ticks/s (2026-11-28) — the four "
    "Chromium renderers drawing Plotly take the CPU the server needs; students' browsers run on their own laptops",
    strict=False,
)
def test_four_headless_students_tick_like_four_browsers(browser):
    headless = measure(students=4, lab="synergy", seconds=10)["median_ticks_per_s"]
    chromium = measure(students=4, lab="synergy", seconds=10, browser=browser)["median_ticks_per_s"]
    assert headless == pytest.approx(chromium, rel=0.2)
