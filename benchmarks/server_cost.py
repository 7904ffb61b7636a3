"""What one playing student costs the server: CPU milliseconds per live-training tick, for every lab.

One Streamlit server, one headless Chromium session per lab (one after the other): open the page,
let the server settle, press Play, and after ``WINDOW_S`` seconds compare the server process's CPU
time (itself and its waited-for children, from ``/proc/<pid>/stat``) with the ticks done (steps on
screen ÷ the lab's steps per tick). The baseline, in the same run, is the server's CPU while the
same page sits paused for the same time (idle cost: health checks, the websocket). Goals: ``GOALS``
(synergy ≤ 25 ms per tick, every lab ≤ 40 ms). ``--check``: exit 1 on a miss.

The same 2-core machine ran one fixed piece of work 1.6× slower in one hour than in another (2026-12-03), and
every lab's cost per tick moved with it. So the JSON also gives ``reference_ms_per_step``: a bare PyTorch training
loop's time per step (:func:`benchmarks.train_overhead.bare_loop`, synergy's six models, one thread), taken in
this process before and after the labs, to compare runs of different days by. The goals stay in milliseconds.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from playwright.sync_api import sync_playwright

from benchmarks.harness import (
    PLAY_ON,
    ROOT,
    Goal,
    free_port,
    launch_browser,
    parse_check,
    report,
    serve,
    stop,
    wait_for_script,
)
from benchmarks.train_overhead import bare_loop
from mmplay.labs import LAB_NAMES, LABS, synergy

WINDOW_S = 10.0
SETTLE_S = 3.0  # after the first view: its deferred work (warm-up, gc freeze) is not a tick's cost ...
QUIET_CPU_MS_PER_S = 50.0  # ... nor is UMAP's in-process warm-up (numba, up to a minute): wait until the server
QUIET_MAX_S = 180.0  # uses less than this for two seconds running, at most this long
GOALS = (Goal("synergy_cpu_ms_per_tick", "<=", 25.0), Goal("worst_cpu_ms_per_tick", "<=", 40.0))


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime of ``pid`` in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def settle(pid: int) -> float:
    """Wait ``SETTLE_S``, then until the server is quiet (see ``QUIET_CPU_MS_PER_S``); return the seconds waited."""
    start = time.perf_counter()
    time.sleep(SETTLE_S)
    quiet, before = 0, cpu_seconds(pid)
    while quiet < 2 and time.perf_counter() - start < QUIET_MAX_S:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if 1000 * (now - before) <= QUIET_CPU_MS_PER_S else 0
        before = now
    return time.perf_counter() - start


def step_of(page) -> int:
    return int(re.search(r"Step (\d+)", page.inner_text('[data-testid="stMain"]')).group(1))


def measure(browser, url: str, pid: int, steps_per_tick: int) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url)
    wait_for_script(page, timeout_ms=120_000)
    settled_s = settle(pid)
    idle_start = cpu_seconds(pid)
    time.sleep(WINDOW_S)
    idle_cpu = cpu_seconds(pid) - idle_start
    page.get_by_role("button", name="▶ Play").click()
    page.get_by_role("button", name="⏸ Pause").wait_for(timeout=30_000)
    steps_before, cpu_before, start = step_of(page), cpu_seconds(pid), time.perf_counter()
    time.sleep(WINDOW_S)
    steps_after, cpu_after, elapsed = step_of(page), cpu_seconds(pid), time.perf_counter() - start
    context.close()
    ticks = (steps_after - steps_before) / steps_per_tick
    busy = cpu_after - cpu_before
    return {
        "cpu_ms_per_tick": round(1000 * busy / max(ticks, 1e-9), 1),
        "ticks_per_s": round(ticks / elapsed, 2),
        "idle_cpu_ms_per_s": round(1000 * idle_cpu / WINDOW_S, 1),
        "settled_s": round(settled_s, 1),
    }


def reference_ms_per_step() -> float:
    """Milliseconds per step of the bare training loop (best of three, one torch thread, before the server starts
    or after it stopped)."""
    torch.set_num_threads(1)
    return round(min(1000 / bare_loop(synergy.Config()) for _ in range(3)), 3)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    reference_before = reference_ms_per_step()
    proc = serve(ROOT / "app.py", port := free_port())
    labs = {}
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            for name in LAB_NAMES:
                url = f"http://127.0.0.1:{port}/{name}?{PLAY_ON}"
                labs[name] = measure(browser, url, proc.pid, LABS[name].default_speed)
            browser.close()
    finally:
        stop(proc)
    result = {
        "reference_ms_per_step": {"before": reference_before, "after": reference_ms_per_step()},
        "labs": labs,
        "synergy_cpu_ms_per_tick": labs["synergy"]["cpu_ms_per_tick"],
        "worst_cpu_ms_per_tick": max(lab["cpu_ms_per_tick"] for lab in labs.values()),
    }
    return report("server_cost", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
