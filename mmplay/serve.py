"""``python -m mmplay serve --workers N``: N Streamlit workers on loopback ports, HAProxy in front.

Each worker is ``streamlit run app.py`` on ``127.0.0.1:<port + k>`` with ``MMPLAY_WORKER=k/N`` (the
sidebar badge) and ``MMPLAY_WORKER_NAME=wk`` (the stickiness cookie's value, see :mod:`mmplay.haproxy`).
HAProxy (Debian's ``haproxy``) listens on ``--bind:--port``. A worker that dies leaves the rotation and
its students are moved to the others; Ctrl-C or SIGTERM stops every child, and so does HAProxy exiting
or the last worker dying, so nothing is left running half-way.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from mmplay.haproxy import Worker, config_text

ROOT = Path(__file__).resolve().parents[1]
FIRST_WORKER_PORT = 8601


def worker_command(port: int, address: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(port), "--server.address", address, "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip


def start_workers(count: int, first_port: int, hosts: Sequence[str]) -> tuple[list[Worker], list[subprocess.Popen]]:
    """Start ``count`` workers; worker k listens on ``hosts[k % len(hosts)]:first_port + k``. They share
    one cookie secret, so a browser's upload token (XSRF cookie) stays valid on the worker it is moved to."""
    workers, procs = [], []
    secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)
    for k in range(count):
        worker = Worker(f"w{k + 1}", hosts[k % len(hosts)], first_port + k)
        env = {
            **os.environ,
            "MMPLAY_WORKER": f"{k + 1}/{count}",
            "MMPLAY_WORKER_NAME": worker.name,
            "STREAMLIT_SERVER_COOKIE_SECRET": secret,
        }
        procs.append(subprocess.Popen(worker_command(worker.port, worker.host), cwd=ROOT, env=env))
        workers.append(worker)
    return workers, procs


def wait_healthy(workers: Sequence[Worker], timeout_s: float = 90.0) -> None:
    """Return once every worker answers ``/_stcore/health``; raise ``RuntimeError`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    for worker in workers:
        while True:
            try:
                urllib.request.urlopen(f"http://{worker.host}:{worker.port}/_stcore/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker {worker.name} did not start") from None
                time.sleep(0.1)


def stop_all(procs: Sequence[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve(workers: int, port: int, bind: str, hosts: Sequence[str], first_port: int = FIRST_WORKER_PORT) -> int:
    """Run the workers and HAProxy until interrupted or until a child exits; the exit code."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        print("haproxy not found: install Debian's package (apt-get install haproxy)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="mmplay-haproxy-") as folder:
        try:
            pool, procs = start_workers(workers, first_port, hosts)
            wait_healthy(pool)
            config = Path(folder) / "haproxy.cfg"
            config.write_text(config_text(pool, bind, port))
            balancer = subprocess.Popen([haproxy, "-db", "-f", str(config)])
            procs.append(balancer)
            print(f"mmplay: {workers} workers behind HAProxy on http://{bind}:{port}", flush=True)
            while balancer.poll() is None and any(proc.poll() is None for proc in procs[:-1]):
                time.sleep(0.5)  # a worker that dies leaves the rotation (HAProxy's health check)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            stop_all(procs)
