"""Press Play on the default XOR → seconds until the page shows a model at ≥ 98 % test accuracy.

Median over 5 runs (Reset between runs) for the interaction model and the MLP. Anchor: TensorFlow
Playground's [4, 2] tanh network reaches XOR test loss ≤ 0.05 in 1.05 s on this machine class.
Prints one JSON line; the goals (both medians) are ``GOALS``. ``--check``: exit 1 on a miss (a model that
never reaches 98 % within 60 s has a NaN median, which misses).
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

RUNS = 5
GOALS = (Goal("interaction_median_s", "<=", 0.3), Goal("mlp_median_s", "<=", 1.0))
ACCURACY_JS = """(label) => { const title = [...document.querySelectorAll('.js-plotly-plot .annotation-text')]
  .find(t => t.textContent.includes(label)); if (!title) return 0;
  return parseFloat(title.textContent.split('·').pop()); }"""  # a boundary tile's title: "MLP on [x, y] · 99%"


def solve_times(page) -> tuple[float, float]:
    page.get_by_role("button", name="▶ Play").click()
    start = time.perf_counter()
    found: dict[str, float] = {}
    while len(found) < 2 and time.perf_counter() - start < 60:
        for key, label in (("interaction", "x·y]"), ("mlp", "MLP")):
            if key not in found and page.evaluate(ACCURACY_JS, label) >= 98:
                found[key] = time.perf_counter() - start
        time.sleep(0.01)
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    page.get_by_role("button", name="↺ Reset").click()
    wait_for_script(page)
    page.wait_for_function("() => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith('Step 0'))")
    return found.get("interaction", float("nan")), found.get("mlp", float("nan"))


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    proc = serve(ROOT / "app.py", port := free_port())
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/synergy")
            wait_for_script(page)
            times = [solve_times(page) for _ in range(RUNS)]
            browser.close()
    finally:
        stop(proc)
    result = {
        "runs": RUNS,
        "interaction_median_s": round(median([t[0] for t in times]), 2),
        "mlp_median_s": round(median([t[1] for t in times]), 2),
        "tf_playground_anchor_s": 1.05,
    }
    return report("time_to_solve", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
