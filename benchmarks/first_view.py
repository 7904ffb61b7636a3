"""Worst first view: each lab page opened from a URL that sets every whole-number knob to its maximum.

A shared link can set any knob, so the first view (build, first evaluation, auto extras such as the
alignment permutation test and the dominance ceilings) must stay bounded whatever it says. Each page
is first opened at its defaults (imports and caches warm, as on a running server), then timed at its
worst URL with Streamlit's ``AppTest`` in this process. The baseline is the same page at its defaults,
so the JSON line also gives the ratio worst / default. Goal: ``GOALS``. ``--check``: exit 1 on a miss.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence

from streamlit.testing.v1 import AppTest

from benchmarks.harness import ROOT, Goal, parse_check, report
from mmplay.labs import LAB_NAMES, LABS

GOALS = (Goal("worst_s", "<=", 10.0), Goal("exceptions", "<=", 0))


def worst_query(name: str) -> dict[str, str]:
    """Every whole-number knob (sizes, steps, batch, seed) at its upper bound."""
    return {
        f.name: str(int(f.metadata["hi"]))
        for f in dataclasses.fields(LABS[name].config)
        if isinstance(f.default, int) and not isinstance(f.default, bool) and f.metadata.get("hi") is not None
    }


def first_view_s(name: str, query: dict[str, str]) -> tuple[float, bool]:
    """Seconds until the page's first run ends, and whether it raised."""
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{name}.py"), default_timeout=600)
    for key, value in query.items():
        at.query_params[key] = value
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start, bool(at.exception)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    labs = {}
    for name in LAB_NAMES:
        default_s, _ = first_view_s(name, {})
        worst_s, failed = first_view_s(name, worst_query(name))
        labs[name] = {"default_s": round(default_s, 2), "worst_s": round(worst_s, 2), "exception": failed}
    slowest = max(labs, key=lambda name: labs[name]["worst_s"])
    result = {
        "labs": labs,
        "slowest": slowest,
        "worst_s": labs[slowest]["worst_s"],
        "ratio_worst_to_default": round(labs[slowest]["worst_s"] / max(labs[slowest]["default_s"], 1e-3), 1),
        "exceptions": sum(lab["exception"] for lab in labs.values()),
    }
    return report("first_view", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
