"""The frame every lab page shares: layout, lesson stepper, title, claim, explanation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mmplay.i18n import DEFAULT_LANGUAGE, _, current_language
from mmplay.ui.lesson_bar import lesson_bar
from mmplay.ui.runtime import configure_torch
from mmplay.ui.style import page_style
from mmplay.view import View

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def lab_text(lab: str, code: str = DEFAULT_LANGUAGE) -> str:
    """The lab's Markdown text in language ``code``: ``assets/labs/<lab>.md`` in English, else
    ``assets/labs/<code>/<lab>.md`` (a translated whole text, not a catalog of sentences)."""
    folder = ASSETS / "labs" if code == DEFAULT_LANGUAGE else ASSETS / "labs" / code
    return (folder / f"{lab}.md").read_text(encoding="utf-8")


def lab_header(lab: str, title: str, claim: str, view: View) -> None:
    """Layout, the lesson's stepper, title, the one-line claim, and the explanation (seed, what to try, what
    to expect), collapsed — in presentation mode it comes open under the live panel instead (see
    :func:`lab_explanation`), so that Play stays on a projector's first screen."""
    configure_torch()
    page_style(view)
    lesson_bar(view)
    st.title(title)
    st.markdown(f"*{claim}*")
    if not view.present:
        lab_explanation(lab, view)


def lab_explanation(lab: str, view: View) -> None:
    """The explanation: open in presentation mode, absent when the view hides ``text``."""
    if not view.hides("text"):
        with st.expander(_("📖 What the seed says · what to try · what you should see"), expanded=view.present):
            st.markdown(lab_text(lab, current_language()))
