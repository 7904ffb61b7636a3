"""Alignment page: presets render; a good upload is used; a bad one is explained and changes nothing."""

import io
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "alignment.py")


def csv_bytes(array: np.ndarray) -> bytes:
    buffer = io.StringIO()
    np.savetxt(buffer, array, delimiter=",")
    return buffer.getvalue().encode()


@pytest.mark.parametrize("preset", ["warp", "unrelated"])
def test_presets_render(preset):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["preset"] = preset
    at.run()
    assert not at.exception
    if preset == "unrelated":
        assert any("no alignment" in w.value for w in at.warning)


def test_good_upload_is_used_and_bad_upload_is_explained():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 3))
    b = a @ np.linalg.qr(rng.normal(size=(3, 3)))[0]
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.file_uploader(key="alignment.upload_a").set_value(("a.csv", csv_bytes(a), "text/csv"))
    at.file_uploader(key="alignment.upload_b").set_value(("b.csv", csv_bytes(b), "text/csv"))
    at.run()
    assert not at.exception
    assert any("Using your files: 40 paired items" in s.value for s in at.success)
    bad = csv_bytes(a).replace(b"\n", b"\nnan,1,2\n", 1)
    at.file_uploader(key="alignment.upload_b").set_value(("b.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    assert any("NaN" in e.value for e in at.error)
    assert at.session_state["alignment.run"].config[1] == "linear"
