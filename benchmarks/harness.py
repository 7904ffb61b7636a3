"""Serve a Streamlit script and drive it in headless Chromium (used by benchmarks and e2e tests)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def serve(script: Path, port: int, timeout_s: float = 60) -> subprocess.Popen:
    """Start ``streamlit run script`` on ``port``; return once its health check answers."""
    proc = subprocess.Popen(
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
        cwd=ROOT,
        env={**os.environ, "MMPLAY_TORCH_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"streamlit did not start on port {port}")


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


def report(name: str, **fields) -> None:
    """Print one JSON line with the machine and date."""
    line = {
        "benchmark": name,
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        **fields,
    }
    print(json.dumps(line))


def median(values: list[float]) -> float:
    return statistics.median(values)
