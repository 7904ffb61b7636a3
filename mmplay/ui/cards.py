"""Metric cards that carry their reference: accuracies with their chance level, no verdict before training."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

PRESS_PLAY = "Press ▶ Play (or Space):"


def percent(value: float) -> str:
    """``0.255 → '25.5%'``; values under 0.1 % keep two significant digits (``0.0002 → '0.02%'``), not '0.0%'."""
    return f"{value:.1%}" if value == 0 or abs(value) >= 0.001 else f"{value * 100:.2g}%"


def accuracy_cards(values: Mapping[str, float], labels: Mapping[str, str], chance: float, what: str = "") -> None:
    """One card per ``labels`` entry ({key: label}) showing ``values[key]`` as a percentage, then one line with
    the chance level (the accuracy of always answering the most common class)."""
    for card, (key, label) in zip(st.columns(len(labels)), labels.items()):
        card.metric(label, percent(values[key]))
    chance_caption(chance, what)


def chance_caption(chance: float, what: str = "") -> None:
    """One line: ``what`` then the chance level (the accuracy of always answering the most common class)."""
    st.caption(f"{what}Chance level: **{percent(chance)}** (always answering the most common class).")


def untrained_note(steps_done: int, what: str) -> bool:
    """Before any training step, say ``what`` will appear once trained and return True (draw no verdict)."""
    if steps_done:
        return False
    st.caption(f"{PRESS_PLAY} {what} once the models have trained.")
    return True
