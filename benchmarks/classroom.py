"""Several students training at once on one server: live-training ticks per second per session.

Each of ``SESSIONS`` browser contexts opens the synergy lab and presses Play (20 steps per tick,
one tick every 0.3 s, i.e. 3.33 ticks/s nominal); the step counters on screen over ``WINDOW_S``
give each session's tick rate. The baseline is one session alone, measured the same way in the
same run. Prints one JSON line with both and their ratio. All browsers run on this machine too,
so on 2 cores the ratio is a lower bound for a classroom whose students bring their own laptops.

No goal yet: ``GOALS`` is empty, so the line has ``"goals": []`` and ``"pass": true`` and ``--check``
(accepted, as by every benchmark) never fails it; ``make bench`` still runs it for the numbers.
"""

import re
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

SESSIONS = 4
WINDOW_S = 8.0
SETTLE_S = 12  # after the first view, so the server's start-up warm-up is not measured
STEPS_PER_TICK = 20
GOALS: tuple[Goal, ...] = ()


def step_of(page) -> int:
    return int(re.search(r"Step (\d+)", page.inner_text('[data-testid="stMain"]')).group(1))


def tick_rates(browser, url: str, sessions: int) -> list[float]:
    contexts = [browser.new_context(viewport={"width": 1000, "height": 700}) for _ in range(sessions)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.goto(url)
        wait_for_script(page)
    time.sleep(SETTLE_S)
    for page in pages:
        page.get_by_role("button", name="▶ Play").click()
    time.sleep(2.0)  # past the first ticks
    before, start = [step_of(page) for page in pages], time.perf_counter()
    time.sleep(WINDOW_S)
    after, elapsed = [step_of(page) for page in pages], time.perf_counter() - start
    for context in contexts:
        context.close()
    return [(b - a) / STEPS_PER_TICK / elapsed for a, b in zip(before, after)]


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    proc = serve(ROOT / "app.py", port := free_port())
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            url = f"http://127.0.0.1:{port}/synergy"
            alone = median(tick_rates(browser, url, 1))
            together = tick_rates(browser, url, SESSIONS)
            browser.close()
    finally:
        stop(proc)
    result = {
        "sessions": SESSIONS,
        "alone_ticks_per_s": round(alone, 2),
        "each_ticks_per_s": [round(r, 2) for r in together],
        "ratio": round(median(together) / alone, 2),
        "nominal_ticks_per_s": round(1 / 0.3, 2),
    }
    return report("classroom", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
