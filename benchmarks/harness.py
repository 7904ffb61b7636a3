"""Shared by the benchmarks: goals and the JSON report, plus serving a Streamlit script and driving it in
headless Chromium (also used by the e2e tests).

Each benchmark declares its goals once, as a module-level ``GOALS`` tuple of :class:`Goal`; its ``main``
reads ``--check`` with :func:`parse_check` and returns :func:`report`'s exit code.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
PLAY_ON = "steps=5000"  # where Play stops (synergy: step 300) moved past any measurement; valid in every lab
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """A Chromium executable: ``CHROMIUM_PATH``, ``/usr/bin/chromium`` or one on ``PATH``."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(script: Path, port: int, timeout_s: float = 60, cwd: Path = ROOT) -> subprocess.Popen:
    """Start ``streamlit run script`` on ``port`` (from the folder ``cwd``); return once its health check answers."""
    return started(launch(script, port, cwd), port, timeout_s)


def started(proc: subprocess.Popen, port: int, timeout_s: float) -> subprocess.Popen:
    """``proc`` once ``127.0.0.1:port/_stcore/health`` answers; killed, and an error, after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise RuntimeError(f"no server answered on port {port}")


def launch(script: Path, port: int, cwd: Path = ROOT) -> subprocess.Popen:
    """``streamlit run script`` on ``port`` from the folder ``cwd``, headless, one torch thread, output discarded."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=cwd,
        env={**os.environ, "MMPLAY_TORCH_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def launch_browser(playwright):
    path = find_chromium()
    options = {"headless": True, "args": CHROMIUM_FLAGS}
    if path:
        options["executable_path"] = path
    return playwright.chromium.launch(**options)


def wait_for_script(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is mounted, has a heading, and no script run is in progress."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && document.querySelector('[data-testid=\"stMain\"] h1')",
        timeout=timeout_ms,
    )


@dataclass(frozen=True)
class Goal:
    """A benchmark's target: the result's ``metric`` must be ``op`` (``<=`` or ``>=``) ``bound``."""

    metric: str
    op: Literal["<=", ">="]
    bound: float

    def __post_init__(self) -> None:
        if self.op not in ("<=", ">="):
            raise ValueError(f"goal op must be '<=' or '>=', not {self.op!r}")

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the goal; NaN (nothing measured) never does."""
        if math.isnan(value):
            return False
        return bool(value <= self.bound if self.op == "<=" else value >= self.bound)


def parse_check(description: str | None, argv: Sequence[str] | None = None) -> bool:
    """Parse a benchmark's command line (``sys.argv`` by default); True when ``--check`` was given."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a goal is missed")
    return parser.parse_args(argv).check


def report(name: str, result: Mapping[str, Any], goals: Sequence[Goal], check: bool) -> int:
    """Print one JSON line: machine, date, ``result``, each goal with its measured value, and ``pass``.

    ``pass`` is true when every goal is met (so also when there are none). Returns the exit code:
    1 when ``check`` is set and a goal is missed, else 0. A goal whose metric is not in ``result``
    raises ``KeyError``.
    """
    verdicts = []
    for goal in goals:
        value = float(result[goal.metric])  # numpy scalars too
        verdicts.append(
            {"metric": goal.metric, "op": goal.op, "bound": goal.bound, "value": value, "pass": goal.met(value)}
        )
    passed = all(verdict["pass"] for verdict in verdicts)
    line = {
        "benchmark": name,
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        **result,
        "goals": verdicts,
        "pass": passed,
    }
    print(json.dumps(line, default=lambda scalar: scalar.item()), flush=True)  # numpy scalars as Python ones
    return 1 if check and not passed else 0


def median(values: list[float]) -> float:
    return statistics.median(values)
