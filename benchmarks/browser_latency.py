"""Interaction latency in headless Chromium: slider change → chart redrawn, p50, vs the reference app.

For each app the noise slider (the reference app's only slider) is moved one step with the
keyboard; the time until the Plotly chart holds new data is recorded. Prints one JSON line with
p50 of 24 changes each and their ratios (synergy: the noise slider; experts: an expert's mean slider, closed forms);
the goals are ``GOALS``. ``--check``: exit 1 on a miss.
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

CHANGES = 24
GOALS = (Goal("synergy_ratio", "<=", 2.0), Goal("experts_ratio", "<=", 1.5))
SETTLE_S = 12  # every page idles this long after its first view, so start-up warm-ups are not measured
FIRST_POINT_JS = """(index) => { const gd = document.querySelectorAll('.js-plotly-plot')[index];
  if (!gd || !gd.data || !gd.data.length) return null; const last = gd.data[gd.data.length - 1];
  const y = last.y || last.source; if (!y) return null;
  const text = ArrayBuffer.isView(y) ? Array.from(y.slice(0, 3)).join() : JSON.stringify(y);
  return text.length + ':' + text.slice(-300); }"""


def slider_latencies(browser, url: str, slider_label: str, chart_index: int) -> list[float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    wait_for_script(page)
    page.wait_for_selector(".js-plotly-plot")
    time.sleep(SETTLE_S)  # the first view starts the app's background warm-up; let it finish
    thumb = page.get_by_role("slider", name=slider_label).first
    latencies = []
    for i in range(CHANGES):
        before = page.evaluate(FIRST_POINT_JS, chart_index)
        thumb.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function(
            f"(b) => {{ const v = ({FIRST_POINT_JS})({chart_index}); return v && v !== b; }}",
            arg=before,
            timeout=30_000,
        )
        latencies.append(time.perf_counter() - start)
        wait_for_script(page)
    page.close()
    return latencies


APPS = (
    ("reference", ROOT / "benchmarks" / "reference_app.py", "", "frequency"),
    ("synergy", ROOT / "app.py", "synergy", "Noise σ"),
    ("experts", ROOT / "app.py", "experts", "mean μ"),
)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    results = {}
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        for name, script, path, label in APPS:
            proc = serve(script, port := free_port())
            try:
                results[name] = median(slider_latencies(browser, f"http://127.0.0.1:{port}/{path}", label, 0))
            finally:
                stop(proc)
        browser.close()
    reference = results["reference"]
    result = {
        "changes": CHANGES,
        "reference_p50_s": round(reference, 3),
        "synergy_p50_s": round(results["synergy"], 3),
        "synergy_ratio": round(results["synergy"] / reference, 2),
        "experts_p50_s": round(results["experts"], 3),
        "experts_ratio": round(results["experts"] / reference, 2),
    }
    return report("browser_latency", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
