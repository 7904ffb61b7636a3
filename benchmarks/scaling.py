"""Two workers behind HAProxy against one: the class's total ticks per second.

The same class (``STUDENTS`` headless students playing synergy for ``SECONDS``, see
:mod:`benchmarks.classroom`) is served by ``python -m mmplay serve --workers 1`` and then by
``--workers 2``; both through HAProxy, so the balancer's own cost is in both. One Streamlit process
runs Python on about one core (the GIL); two workers may use two. JSON line: each run's numbers and
``ratio`` (total ticks/s with 2 workers ÷ with 1). Goal: ``GOALS``. ``--check``: exit 1 on a miss.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from benchmarks.classroom import measure
from benchmarks.harness import Goal, parse_check, report

STUDENTS, SECONDS = 30, 40.0
GOALS = (Goal("ratio", ">=", 1.6), Goal("errors", "<=", 0))


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    runs = {f"workers_{n}": measure(STUDENTS, "synergy", SECONDS, workers=n) for n in (1, 2)}
    one, two = runs["workers_1"]["total_ticks_per_s"], runs["workers_2"]["total_ticks_per_s"]
    result = {
        **runs,
        "ratio": round(two / max(one, 1e-9), 2),
        "errors": sum(run["errors"] for run in runs.values()),
    }
    return report("scaling", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
