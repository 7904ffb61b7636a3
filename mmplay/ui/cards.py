"""Metric cards that carry their reference (accuracies with their chance level, no verdict before training), and rows
of cards or charts sent as one element each."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from mmplay.i18n import _


def percent(value: float) -> str:
    """``0.255 → '25.5%'``; values under 0.1 % keep two significant digits (``0.0002 → '0.02%'``), not '0.0%'."""
    return f"{value:.1%}" if value == 0 or abs(value) >= 0.001 else f"{value * 100:.2g}%"


def untrained(steps_done: int, what: str) -> str:
    """Before any training step, the sentence that says ``what`` appears once trained; after, ``""`` (so a page
    draws its verdict only when this is empty). ``what``, already translated, is a clause ending in "shows"
    ("Which fusion stays calibrated shows"); the Chinese sentence puts it after "once the models have trained"."""
    if steps_done:
        return ""
    return _("Press ▶ Play (or Space): {what} once the models have trained.", what=what)


def accuracy_cards(
    values: Mapping[str, float], labels: Mapping[str, str], chance: float, before: str = "", after: str = ""
) -> None:
    """One card per ``labels`` entry ({key: label}) showing ``values[key]`` as a percentage, then one line with
    the chance level (see :func:`chance_caption`)."""
    row = card_row()
    for key, label in labels.items():
        row.metric(label, percent(values[key]))
    chance_caption(chance, before, after)


def card_row() -> DeltaGenerator:
    """A row for metric cards side by side, each as wide as its text, sharing the row's width: one horizontal
    container (one element to send per live tick, where ``st.columns(k)`` sends k + 1)."""
    return _horizontal_row()


def _horizontal_row() -> DeltaGenerator:
    return st.container(horizontal=True, gap="small")


def chart_row(charts: Mapping[str, go.Figure]) -> None:
    """Charts side by side, each as wide as the others ({element key: figure}): one horizontal container, one
    element to send per live tick besides the charts (``st.columns(k)`` sends k + 1)."""
    row = _horizontal_row()
    for key, fig in charts.items():
        row.plotly_chart(fig, key=key)


def chance_caption(chance: float, before: str = "", after: str = "") -> None:
    """One line: ``before``, the chance level (the accuracy of always answering the most common class),
    ``after`` (e.g. :func:`untrained`'s sentence) — one element, so the page's first chart stays on screen."""
    level = _("Chance level: **{chance}** (always answering the most common class).", chance=percent(chance))
    st.caption(f"{before}{level} {after}".strip())


def note(text: str) -> None:
    """A caption, when there is something to say."""
    if text:
        st.caption(text)
