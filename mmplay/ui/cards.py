"""Metric cards that carry their reference: accuracies with their chance level, no verdict before training."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

PRESS_PLAY = "Press ▶ Play (or Space):"


def percent(value: float) -> str:
    """``0.255 → '25.5%'``; small values keep a decimal that shows them (``0.001 → '0.1%'``)."""
    return f"{value:.1%}"


def accuracy_cards(values: Mapping[str, float], labels: Mapping[str, str], chance: float, what: str = "") -> None:
    """One card per ``labels`` entry ({key: label}) showing ``values[key]`` as a percentage, then one line with
    the chance level (the accuracy of always answering the most common class)."""
    for card, (key, label) in zip(st.columns(len(labels)), labels.items()):
        card.metric(label, percent(values[key]))
    st.caption(f"{what}Chance level: **{percent(chance)}** (always answering the most common class).")


def untrained_note(steps_done: int, what: str) -> bool:
    """Before any training step, say ``what`` will appear once trained and return True (draw no verdict)."""
    if steps_done:
        return False
    st.caption(f"{PRESS_PLAY} {what} once the models have trained.")
    return True
