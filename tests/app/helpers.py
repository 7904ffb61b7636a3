"""Opening a page of the app in Streamlit's AppTest, with query parameters as a shared link would set them."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def page(name: str, **query: str) -> AppTest:
    """``app_pages/<name>.py`` with ``query`` in its URL (not yet run)."""
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{name}.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at
