"""In a real browser: upload two embedding files through the page (the preset's knobs turn off, saying why)
and see the verdict."""

import io

import numpy as np
import pytest

from tests.e2e.conftest import ARTIFACTS, ONE_FILE_IN, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def test_upload_two_files_and_see_the_result(page, app_url):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(120, 4))
    b = 2.0 * a @ np.linalg.qr(rng.normal(size=(4, 4)))[0] + 0.01 * rng.normal(size=(120, 4))
    ARTIFACTS.mkdir(exist_ok=True)
    paths = []
    for name, array in (("a.npy", a), ("b.csv", b)):
        path = ARTIFACTS / f"upload-{name}"
        if name.endswith(".npy"):
            np.save(path, array)
        else:
            buffer = io.StringIO()
            np.savetxt(buffer, array, delimiter=",")
            path.write_text(buffer.getvalue())
        paths.append(path)
    page.goto(f"{app_url}/alignment")
    wait_for_app(page)
    page.get_by_text("Bring your own embeddings").click()
    inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    inputs.nth(0).set_input_files(str(paths[0]))
    # as a person does: the second file after the first is in (two uploads 0.1 s apart can interrupt the first
    # one's rerun, and Streamlit's uploader then drops the first file: 2 of 16 runs). The file's name shows in
    # the browser before the server has it; the page's "upload both" notice says the server has it.
    page.get_by_text(ONE_FILE_IN).wait_for(timeout=30_000)
    wait_for_app(page)
    inputs.nth(1).set_input_files(str(paths[1]))
    page.get_by_text("Using your files: 120 paired items").wait_for(timeout=120_000)
    sidebar = page.locator('[data-testid="stSidebar"]')  # the preset's knobs no longer apply, and say why
    sidebar.get_by_text("your uploaded files replace the preset").first.wait_for(timeout=30_000)
    assert sidebar.get_by_role("spinbutton", name="Items").is_disabled()
    page.get_by_text("Verdict: ⏳ press ▶ Play").wait_for(timeout=60_000)  # nothing concluded at step 0
    page.get_by_role("button", name="▶ Play").click()
    page.get_by_text("Verdict: ✅ a linear map suffices").wait_for(timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
    assert_no_exception(page)
