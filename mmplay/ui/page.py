"""The frame every lab page shares: title, claim, explanation, badge."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mmplay.ui.runtime import configure_torch

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def lab_text(lab: str) -> str:
    """The lab's Markdown text (``assets/labs/<lab>.md``)."""
    return (ASSETS / "labs" / f"{lab}.md").read_text(encoding="utf-8")


def lab_header(lab: str, title: str, claim: str) -> None:
    """Title, the one-line claim, and the explanation (seed, what to try, what to expect)."""
    configure_torch()
    st.title(title)
    st.markdown(f"*{claim}*")
    with st.expander("📖 What the seed says · what to try · what you should see", expanded=False):
        st.markdown(lab_text(lab))
