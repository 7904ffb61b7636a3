"""A lesson's stepper on its pages ("📚 Synergy · step 3 / 7 · ← Back · Next →") and the question to ask."""

from __future__ import annotations

import streamlit as st

from mmplay.labs.lessons import Lesson, lessons, step_query
from mmplay.view import View


def page_file(slug: str) -> str:
    """The page's script, as ``st.page_link`` names it."""
    return f"app_pages/{slug}.py"


def step_link(lesson: Lesson, number: int, label: str, present: bool) -> None:
    """A link that opens step ``number`` of ``lesson`` as its lesson link would."""
    step = lesson.steps[number - 1]
    st.page_link(page_file(step.page), label=label, query_params=step_query(lesson, number, present))


def lesson_bar(view: View) -> None:
    """The stepper and this step's question, when the page was opened as a lesson step."""
    if view.lesson is None:
        return
    lesson = lessons().get(view.lesson)
    if lesson is None:
        st.warning(f"lesson={view.lesson!r} is not a shipped lesson ({', '.join(lessons())}); showing the lab alone.")
        return
    count = len(lesson.steps)
    number = view.step or 1
    if not 1 <= number <= count:
        st.warning(f"step={number} is not a step of “{lesson.title}” (1 … {count}); showing step 1.")
        number = 1
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
        with row:
            st.markdown(f"📚 **{lesson.title}** · step **{number} / {count}**", width="content")
            if number > 1:
                step_link(lesson, number - 1, "← Back", view.present)
            if number < count:
                step_link(lesson, number + 1, "**Next →**", view.present)
            else:
                st.page_link("app_pages/home.py", label="Finish ✓")
        step = lesson.steps[number - 1]
        then = "" if step.autoplay else " Let everyone answer, then press **▶ Play** (Space)."
        st.markdown(f"🤔 **Ask the class:** {step.question}{then}")
