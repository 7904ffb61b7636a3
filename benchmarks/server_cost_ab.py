"""Server CPU per live tick of a base revision and of the work tree, side by side in the same minutes.

``python -m benchmarks.server_cost_ab --base REV [--labs synergy,gating] [--seconds S] [--check]``

This 2-core machine's speed moves by 20–50 % within an hour (``server_cost``'s reference loop: 0.41–0.68 ms a
step on 2026-12-03), more than one change moves a tick, so two ``server_cost`` runs taken minutes apart cannot
tell a 10 % saving from the weather. Here the base revision is checked out (``git worktree``, in a temporary
folder), one Streamlit server runs from it and one from the work tree, and for each lab one headless student
(:class:`~benchmarks.headless_student.HeadlessStudent`) plays on each, their ticks interleaved at half the
interval, so both servers run through the same minutes. Per lab: each server's CPU milliseconds per tick (itself
and its waited-for children, ``/proc``) and ``ratio`` = work tree ÷ base. Goal (``GOALS``): no lab costs more
than the base by over 5 % (``worst_ratio ≤ 1.05``, the noise left in this pairing). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.harness import PLAY_ON, ROOT, Goal, free_port, report, serve, stop
from benchmarks.headless_student import HeadlessStudent
from benchmarks.server_cost import cpu_seconds, settle
from mmplay.labs import LAB_NAMES, LABS

GOALS = (Goal("worst_ratio", "<=", 1.05),)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the revision to compare the work tree with (e.g. HEAD~3)")
    parser.add_argument("--labs", default=",".join(LAB_NAMES), help="comma-separated labs (default: all)")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the two students play, per lab")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a goal is missed")
    return parser.parse_args(argv)


def play_side_by_side(ports: Sequence[int], pids: Sequence[int], lab: str, seconds: float) -> list[float]:
    """Each server's CPU ms per tick while one student on each plays ``lab``, ticks taking turns."""
    students = [HeadlessStudent(f"http://127.0.0.1:{port}", lab, PLAY_ON) for port in ports]
    try:
        for student in students:
            student.open()
        for pid in pids:
            settle(pid)
        for student in students:
            student.press("▶ Play")
        steps = [student.step for student in students]
        cpu = [cpu_seconds(pid) for pid in pids]
        half = students[0].fragment[0] / 2
        start = time.perf_counter()
        for turn in range(int(seconds / half)):
            time.sleep(max(0.0, start + (turn + 1) * half - time.perf_counter()))
            students[turn % 2].tick()
        per_tick = []
        for student, before, pid, used in zip(students, steps, pids, cpu, strict=True):
            ticks = (student.step - before) / LABS[lab].default_speed
            per_tick.append(round(1000 * (cpu_seconds(pid) - used) / max(ticks, 1e-9), 1))
        return per_tick
    finally:
        for student in students:
            student.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    labs = [lab for lab in args.labs.split(",") if lab]
    unknown = sorted(set(labs) - set(LAB_NAMES))
    if unknown:
        raise SystemExit(f"unknown labs: {', '.join(unknown)} (choose from {', '.join(LAB_NAMES)})")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True)
        servers = []
        try:
            for tree in (base, ROOT):
                servers.append((port := free_port(), serve(tree / "app.py", port, cwd=tree)))
            ports, pids = [port for port, _ in servers], [proc.pid for _, proc in servers]
            results = {}
            for lab in labs:
                base_ms, work_ms = play_side_by_side(ports, pids, lab, args.seconds)
                results[lab] = {"base_cpu_ms_per_tick": base_ms, "cpu_ms_per_tick": work_ms, "ratio": work_ms / base_ms}
        finally:
            for _, proc in servers:
                stop(proc)
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    for values in results.values():
        values["ratio"] = round(values["ratio"], 3)
    result = {"base": args.base, "labs": results, "worst_ratio": max(v["ratio"] for v in results.values())}
    return report("server_cost_ab", result, GOALS, args.check)


if __name__ == "__main__":
    sys.exit(main())
