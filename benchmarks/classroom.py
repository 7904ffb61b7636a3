"""A classroom on one server: N students press Play at once; one more moves a slider meanwhile.

``python -m benchmarks.classroom --students N [--lab synergy] [--seconds S] [--browsers] [--workers W]``

Students are :class:`~benchmarks.headless_student.HeadlessStudent` sessions (Streamlit's websocket
protocol, no browser), so 30–100 fit on this machine; ``--browsers`` drives the same number of
headless Chromium sessions instead (the check that the headless ones behave like browsers). Each
student opens the lab, presses ▶ Play and answers the live fragment's auto-rerun on its interval, as
a browser's timer does (a late tick is sent at once). Its tick rate is the steps on screen over the
last ``seconds − WARM_UP_S`` ÷ the lab's steps per tick. One extra student moves the first slider
every ``SLIDER_EVERY_S`` and times each rerun (the latency a student feels while the class plays).

``--workers W`` serves the class with ``python -m mmplay serve --workers W`` (HAProxy in front; each
student holds its worker's cookie, as a browser does). JSON line: ``students``, ``workers``,
``errors`` (exceptions and error elements in the forward stream, failed connections), ``ticks_per_s``
``{min, median}``, ``total_ticks_per_s``, ``slider_p95_s``, ``server_rss_mb`` (peak, workers included),
``server_cpu_cores`` (the server's CPU seconds per second, workers included) and
``nominal_ticks_per_s``. Goals: ``GOALS`` (stated for 30 students playing synergy for 60 s).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.harness import (
    PLAY_ON,
    ROOT,
    Goal,
    free_port,
    launch_browser,
    report,
    serve,
    started,
    stop,
    wait_for_script,
)
from benchmarks.headless_student import HeadlessStudent
from mmplay.labs import LAB_NAMES, LABS

WARM_UP_S = 5.0  # after Play, before the tick rate is measured
SLIDER_EVERY_S = 2.0
GOALS = (
    Goal("errors", "<=", 0),
    Goal("min_ticks_per_s", ">=", 1.0),
    Goal("median_ticks_per_s", ">=", 1.5),
    Goal("slider_p95_s", "<=", 1.5),
)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the workers behind HAProxy), from ``/proc``."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants in MB, from ``/proc/<pid>/status``."""
    total = 0.0
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        line = next((x for x in status if x.startswith("VmRSS:")), None)
        total += int(line.split()[1]) / 1024 if line else 0.0
    return total


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:13]) / os.sysconf("SC_CLK_TCK")
    return total


class Peak:
    """The peak of a process's RSS, sampled every 0.5 s in a background thread until ``stop()``."""

    def __init__(self, pid: int) -> None:
        self.value, self._done = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(pid,), daemon=True)
        self._thread.start()

    def _watch(self, pid: int) -> None:
        while not self._done.wait(0.5):
            self.value = max(self.value, rss_mb(pid))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.value


def play(base: str, lab: str, seconds: float, speed: int, out: dict, errors: list[str]) -> None:
    """One headless student: open, Play, answer auto-reruns until ``seconds`` after Play; its tick rate."""
    try:
        student = HeadlessStudent(base, lab, PLAY_ON, timeout_s=120)
        errors.extend(student.open().errors)
        errors.extend(student.press("▶ Play").errors)
        start, first = time.perf_counter(), None
        due = start
        while time.perf_counter() - start < seconds and student.fragment is not None:
            due += student.fragment[0]
            time.sleep(max(due - time.perf_counter(), 0.0))
            due = max(due, time.perf_counter() - student.fragment[0])  # a late tick goes at once, not in a burst
            errors.extend(student.tick().errors)
            if first is None and time.perf_counter() - start >= WARM_UP_S:
                first = (time.perf_counter(), student.step)
        student.close()
        if first is not None and student.step is not None:
            out["rate"] = (student.step - first[1]) / speed / (time.perf_counter() - first[0])
    except Exception as err:  # noqa: BLE001 — a student that fails is counted, not fatal
        errors.append(f"{type(err).__name__}: {err}")


def move_slider(base: str, lab: str, seconds: float, latencies: list[float], errors: list[str]) -> None:
    """The extra student: move the first slider back and forth every ``SLIDER_EVERY_S``; each rerun's time."""
    try:
        student = HeadlessStudent(base, lab, PLAY_ON, timeout_s=120)
        errors.extend(student.open().errors)
        label, proto = next(iter(student.sliders.items()))
        values = [proto.min, proto.max] if proto.max > proto.min else [proto.min]
        deadline, i = time.perf_counter() + seconds, 0
        while time.perf_counter() < deadline:
            time.sleep(SLIDER_EVERY_S)
            result = student.move_slider(label, (proto.min + proto.max) / 2 if i % 2 else values[0])
            latencies.append(result.seconds)
            errors.extend(result.errors)
            i += 1
        student.close()
    except Exception as err:  # noqa: BLE001
        errors.append(f"{type(err).__name__}: {err}")


def headless_class(base: str, lab: str, students: int, seconds: float) -> tuple[list[float], list[float], list[str]]:
    """Tick rates of ``students`` headless players, the slider latencies, and every error seen."""
    speed, outs, latencies, errors = LABS[lab].default_speed, [{} for _ in range(students)], [], []
    threads = [threading.Thread(target=play, args=(base, lab, seconds, speed, out, errors)) for out in outs]
    threads.append(threading.Thread(target=move_slider, args=(base, lab, seconds, latencies, errors)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [out.get("rate", 0.0) for out in outs], latencies, errors


def browser_class(browser, base: str, lab: str, students: int, seconds: float) -> list[float]:
    """Tick rates of ``students`` Chromium sessions (contexts of ``browser``) playing at once (the reference)."""
    speed = LABS[lab].default_speed
    step_of = lambda page: int(re.search(r"Step (\d+)", page.inner_text('[data-testid="stMain"]')).group(1))  # noqa: E731
    contexts = [browser.new_context(viewport={"width": 1000, "height": 700}) for _ in range(students)]
    pages = [context.new_page() for context in contexts]
    try:
        for page in pages:
            page.goto(f"{base}/{lab}?{PLAY_ON}")
            wait_for_script(page, timeout_ms=120_000)
        for page in pages:
            page.get_by_role("button", name="▶ Play").click()
        time.sleep(WARM_UP_S)
        before, start = [step_of(page) for page in pages], time.perf_counter()
        time.sleep(max(seconds - WARM_UP_S, 1.0))
        after, elapsed = [step_of(page) for page in pages], time.perf_counter() - start
    finally:
        for context in contexts:
            context.close()
    return [(b - a) / speed / elapsed for a, b in zip(before, after)]


def serve_workers(workers: int, port: int, timeout_s: float = 120.0) -> subprocess.Popen:
    """``python -m mmplay serve --workers N`` on loopback (HAProxy on ``port``); return once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmplay", "serve", "--workers", str(workers), "--port", str(port)]
        + ["--bind", "127.0.0.1", "--worker-port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "MMPLAY_TORCH_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return started(proc, port, timeout_s)


def measure(students: int, lab: str, seconds: float, browser=None, workers: int = 0) -> dict:
    """Start a server (one Streamlit process, or ``workers`` of them behind HAProxy), run the class
    (headless students, or Chromium contexts of ``browser``), stop the server; the benchmark's numbers."""
    port = free_port()
    proc = serve_workers(workers, port) if workers else serve(ROOT / "app.py", port)
    base = f"http://127.0.0.1:{port}"
    peak, cpu_start, wall_start = Peak(proc.pid), cpu_seconds(proc.pid), time.perf_counter()
    driver_start = sum(os.times()[:2])
    try:
        if browser is not None:
            rates, latencies, errors = browser_class(browser, base, lab, students, seconds), [], []
        else:
            rates, latencies, errors = headless_class(base, lab, students, seconds)
    finally:
        wall = time.perf_counter() - wall_start
        server_cores = (cpu_seconds(proc.pid) - cpu_start) / wall
        driver_cores = (sum(os.times()[:2]) - driver_start) / wall
        server_rss = peak.stop()
        stop(proc)
    ordered = sorted(latencies)
    return {
        "students": students,
        "workers": workers or 1,
        "balancer": bool(workers),
        "lab": lab,
        "seconds": seconds,
        "driver": "headless" if browser is None else "chromium",
        "errors": len(errors),
        "error_samples": errors[:3],
        "ticks_per_s": {"min": round(min(rates), 2), "median": round(statistics.median(rates), 2)},
        "total_ticks_per_s": round(sum(rates), 2),
        "min_ticks_per_s": round(min(rates), 2),
        "median_ticks_per_s": round(statistics.median(rates), 2),
        "slider_p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3) if ordered else float("nan"),
        "server_rss_mb": round(server_rss, 1),
        "server_cpu_cores": round(server_cores, 2),
        "driver_cpu_cores": round(driver_cores, 2),
        "nominal_ticks_per_s": round(1 / 0.3, 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--lab", choices=LAB_NAMES, default="synergy")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--browsers", action="store_true", help="Chromium sessions instead of headless students")
    parser.add_argument("--workers", type=int, default=0, help="N workers behind HAProxy (default: one plain server)")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a goal is missed")
    args = parser.parse_args(argv)
    if args.browsers:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch_browser(pw)
            result = measure(args.students, args.lab, args.seconds, browser, args.workers)
            browser.close()
    else:
        result = measure(args.students, args.lab, args.seconds, workers=args.workers)
    goals = GOALS if not args.browsers else ()
    return report("classroom", result, goals, args.check)


if __name__ == "__main__":
    sys.exit(main())
