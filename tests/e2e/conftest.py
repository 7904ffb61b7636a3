"""One Streamlit server and one headless Chromium for the whole e2e session.

Chromium comes from ``CHROMIUM_PATH`` or ``/usr/bin/chromium``; failing that, from
``python -m playwright install chromium``. Without a browser the e2e tests are skipped with a
reason — except under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from benchmarks.harness import CHROMIUM_FLAGS, ROOT, find_chromium, free_port, serve, stop, wait_for_script

ARTIFACTS = ROOT / "test-artifacts"
# Alignment's notice once the server holds one uploaded file of the two (the browser shows the file's name before)
ONE_FILE_IN = "Upload both files (A and B) to align your own embeddings."


def _playwright_has_browser() -> bool:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"], capture_output=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@pytest.fixture(scope="session")
def browser():
    path = find_chromium()
    launch = {"headless": True, "args": CHROMIUM_FLAGS}
    if path:
        launch["executable_path"] = path
    elif not _playwright_has_browser():
        if os.environ.get("CI") == "true":
            pytest.fail("no Chromium: install Debian's chromium or set CHROMIUM_PATH")
        pytest.skip("no Chromium found and `playwright install chromium` failed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    proc = serve(ROOT / "app.py", port := free_port())
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:  # let the last rerun's charts draw before the picture is taken
        wait_for_script(page, timeout_ms=30_000)
        page.wait_for_timeout(800)
    except Exception:  # noqa: BLE001 — a screenshot of a broken page is still worth having
        pass
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the Streamlit app is mounted and its script has finished running."""
    wait_for_script(page, timeout_ms)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
