"""Two workers behind HAProxy (`python -m mmplay serve --workers 2`, bound to two loopback addresses as if
on two hosts): the browsers land on both, each uploads, plays and exports through the balancer; killing
one worker leaves the other's students playing, and the moved students are told the lab restarted."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile

import numpy as np
import pytest

from benchmarks.harness import ROOT, free_port
from tests.e2e.conftest import ARTIFACTS, ONE_FILE_IN, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e
# Students (browser contexts), spread over both workers by HAProxy's round robin. Each one uploads, plays and
# exports in turn while the others sit paused (six Alignment sessions playing at once on 2 cores, next to six
# Chromium tabs, starved the uploads); then all six play together when one worker is killed.
CONTEXTS = int(os.environ.get("MMPLAY_BALANCER_CONTEXTS", "6"))
HOSTS = ("127.0.0.2", "127.0.0.3")  # two loopback addresses stand in for two worker machines (deploy/)
STEP_JS = """() => { const p = [...document.querySelectorAll('p')].find(x => /^Step \\d+/.test(x.innerText));
  return p ? parseInt(p.innerText.slice(5)) : -1; }"""


def healthy(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def balancer():
    """``(url, worker ports)`` of a two-worker class served by ``python -m mmplay serve``."""
    if not shutil.which("haproxy") and not os.path.exists("/usr/sbin/haproxy"):
        if os.environ.get("CI") == "true":
            pytest.fail("no haproxy: .ci/run installs Debian's haproxy")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    port, first = free_port(), free_port()
    worker_ports = (first, first + 1)
    command = [sys.executable, "-m", "mmplay", "serve", "--workers", "2", "--port", str(port)]
    command += ["--bind", "127.0.0.1", "--worker-port", str(first), "--hosts", ",".join(HOSTS)]
    proc = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    workers = [f"http://{host}:{p}" for host, p in zip(HOSTS, worker_ports)]
    while not (healthy(url) and all(healthy(w) for w in workers)):
        assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
        time.sleep(0.2)
    yield url, worker_ports
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    time.sleep(1)
    assert not any(healthy(w) for w in workers)  # nothing left running


def upload_files() -> list[str]:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(60, 3))
    b = a @ np.linalg.qr(rng.normal(size=(3, 3)))[0]
    ARTIFACTS.mkdir(exist_ok=True)
    paths = [ARTIFACTS / "balancer-a.npy", ARTIFACTS / "balancer-b.npy"]
    for path, array in zip(paths, (a, b)):
        np.save(path, array)
    return [str(p) for p in paths]


def press(page, label: str) -> None:
    """Click a button that the page keeps redrawing (a playing lab reruns several times a second, and
    Playwright's click waits for an element that stays put): the DOM click event, once it is there."""
    page.get_by_role("button", name=label).dispatch_event("click")


def worker_of(page) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_text("worker ").inner_text().split()[-1]


def test_two_workers_share_the_class_and_survive_one_dying(browser, balancer):
    url, worker_ports = balancer
    files = upload_files()
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(CONTEXTS)]
    pages = [context.new_page() for context in contexts]
    try:
        for page in pages:
            page.goto(f"{url}/alignment?steps=10000")  # a run that outlasts the test (800 steps: 5 s of Play)
            wait_for_app(page, timeout_ms=120_000)
        workers = [worker_of(page) for page in pages]
        assert set(workers) == {"1/2", "2/2"}  # cookie stickiness spreads new students over both
        for page in pages:  # one student at a time uploads, plays and exports; the others sit paused
            page.get_by_text("Bring your own embeddings").click()
            inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
            inputs.nth(0).set_input_files(files[0])
            # the second after the server has the first, as a person does (see test_alignment_e2e)
            page.get_by_text(ONE_FILE_IN).wait_for(timeout=60_000)
            wait_for_app(page, timeout_ms=120_000)
            inputs.nth(1).set_input_files(files[1])
            page.get_by_text("Using your files: 60 paired items").wait_for(timeout=120_000)
            press(page, "▶ Play")
            page.wait_for_function(f"() => ({STEP_JS})() >= 50", timeout=120_000)
            press(page, "⏸ Pause")
            page.get_by_role("button", name="▶ Play").wait_for(timeout=60_000)
            wait_for_app(page, timeout_ms=120_000)  # the paused page's last rerun has finished
            with page.expect_download(timeout=40_000) as download:
                page.get_by_role("button", name="⬇ Export").click()
            with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as bundle:
                assert "metrics.csv" in bundle.namelist()
            assert worker_of(page) == workers[pages.index(page)]  # still on its worker
            assert_no_exception(page)
        for page in pages:  # the whole class plays when a worker dies
            press(page, "↺ Reset")
            page.wait_for_function(f"() => ({STEP_JS})() === 0", timeout=60_000)
            press(page, "▶ Play")
        victim = subprocess.run(["pgrep", "-f", f"server.port {worker_ports[0]}"], capture_output=True, text=True)
        os.kill(int(victim.stdout.split()[0]), signal.SIGKILL)
        moved = [page for page, w in zip(pages, workers) if w == "1/2"]
        stayed = [page for page, w in zip(pages, workers) if w == "2/2"]
        before = [page.evaluate(STEP_JS) for page in stayed]
        for page, step in zip(stayed, before):
            page.wait_for_function(f"() => ({STEP_JS})() > {step}", timeout=60_000)  # still playing
            assert_no_exception(page)
            assert page.get_by_text("The server restarted this lab").count() == 0
        for page in moved:
            page.get_by_text("The server restarted this lab").wait_for(timeout=120_000)
            assert_no_exception(page)
            # the notice comes before the sidebar's badge is redrawn: wait for the badge, then read it
            page.locator('[data-testid="stSidebar"]').get_by_text("worker 2/2").wait_for(timeout=60_000)
            assert worker_of(page) == "2/2"
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, page in enumerate(pages):
            page.screenshot(path=str(ARTIFACTS / f"balancer-{i}.png"))
        for context in contexts:
            context.close()
