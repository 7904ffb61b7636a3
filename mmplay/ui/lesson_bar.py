"""A lesson's stepper on its pages ("📚 Synergy · step 3 / 7 · ← Back · Next →") and the question to ask."""

from __future__ import annotations

import streamlit as st

from mmplay.i18n import _
from mmplay.labs.lessons import Lesson, lessons, step_query
from mmplay.ui.language import language_param
from mmplay.view import View


def page_file(slug: str) -> str:
    """The page's script, as ``st.page_link`` names it."""
    return f"app_pages/{slug}.py"


def step_link(lesson: Lesson, number: int, label: str, present: bool) -> None:
    """A link that opens step ``number`` of ``lesson`` as its lesson link would."""
    step = lesson.steps[number - 1]
    st.page_link(page_file(step.page), label=label, query_params=step_query(lesson, number, present) | language_param())


def lesson_bar(view: View) -> None:
    """The stepper and this step's question, when the page was opened as a lesson step."""
    if view.lesson is None:
        return
    lesson = lessons().get(view.lesson)
    if lesson is None:
        st.warning(
            _(
                "lesson={value} is not a shipped lesson ({lessons}); showing the lab alone.",
                value=repr(view.lesson),
                lessons=", ".join(lessons()),
            )
        )
        return
    count, title = len(lesson.steps), _(lesson.title)
    number = view.step or 1
    if not 1 <= number <= count:
        st.warning(
            _(
                "step={number} is not a step of “{title}” (1 … {count}); showing step 1.",
                number=number,
                title=title,
                count=count,
            )
        )
        number = 1
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
        with row:
            st.markdown(
                _("📚 **{title}** · step **{number} / {count}**", title=title, number=number, count=count),
                width="content",
            )
            if number > 1:
                step_link(lesson, number - 1, _("← Back"), view.present)
            if number < count:
                step_link(lesson, number + 1, _("**Next →**"), view.present)
            else:
                st.page_link("app_pages/home.py", label=_("Finish ✓"), query_params=language_param())
        step = lesson.steps[number - 1]
        question = _(step.question)
        if step.autoplay:
            st.markdown(_("🤔 **Ask the class:** {question}", question=question))
        else:
            st.markdown(
                _(
                    "🤔 **Ask the class:** {question} Let everyone answer, then press **▶ Play** (Space).",
                    question=question,
                )
            )
