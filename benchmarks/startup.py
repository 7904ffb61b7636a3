"""App start: ``streamlit run app.py`` → home page rendered in Chromium, vs the reference app.

Measured from process launch to the first ``h1`` on the page, median of 3 fresh servers each.
Prints one JSON line with both and the ratio; the goal is ``GOALS``. ``--check``: exit 1 on a miss.
"""

import sys
import time
from collections.abc import Sequence

from playwright.sync_api import sync_playwright

from benchmarks.harness import (
    ROOT,
    Goal,
    free_port,
    launch_browser,
    median,
    parse_check,
    report,
    serve,
    stop,
    wait_for_script,
)

RUNS = 3
GOALS = (Goal("ratio", "<=", 1.5),)


def time_to_first_page(browser, script) -> float:
    start = time.perf_counter()
    proc = serve(script, port := free_port())
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        wait_for_script(page)
        elapsed = time.perf_counter() - start
        page.close()
        return elapsed
    finally:
        stop(proc)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        reference = median([time_to_first_page(browser, ROOT / "benchmarks" / "reference_app.py") for _ in range(RUNS)])
        ours = median([time_to_first_page(browser, ROOT / "app.py") for _ in range(RUNS)])
        browser.close()
    result = {"reference_s": round(reference, 2), "app_s": round(ours, 2), "ratio": round(ours / reference, 2)}
    return report("startup", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
