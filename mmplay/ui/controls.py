"""Widgets generated from a Config's fields (their ``knob`` ranges and choices)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, TypeVar

import streamlit as st

from mmplay.ui.url_state import config_from_url, write_url

C = TypeVar("C")


def _widget(field: dataclasses.Field, label: str, key: str) -> Any:
    meta = field.metadata
    help_text = meta.get("help") or None
    if meta.get("choices"):
        return st.selectbox(label, meta["choices"], key=key, help=help_text)
    if isinstance(field.default, bool):
        return st.toggle(label, key=key, help=help_text)
    lo, hi = meta.get("lo"), meta.get("hi")
    if isinstance(field.default, int) and (hi is None or hi - lo > 10_000):
        return st.number_input(label, min_value=lo, max_value=hi, step=1, key=key, help=help_text)
    if isinstance(field.default, int):
        return st.slider(label, min_value=int(lo), max_value=int(hi), step=1, key=key, help=help_text)
    step = float(meta.get("step") or (hi - lo) / 100)
    decimals = max(2, -math.floor(math.log10(step)))  # show the slider's resolution: 0.0005 → 4 decimals
    return st.slider(
        label, min_value=float(lo), max_value=float(hi), key=key, help=help_text, step=step, format=f"%.{decimals}f"
    )


def config_controls(cls: type[C], initial: C, labels: Mapping[str, str], key: str) -> C:
    """Draw one widget per field named in ``labels`` (in order); other fields keep ``initial``.

    Widget state starts from ``initial`` (the URL's config) the first time the page runs.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = dataclasses.asdict(initial)
    for name, label in labels.items():
        state_key = f"{key}.{name}"
        if state_key not in st.session_state:
            st.session_state[state_key] = values[name]
        values[name] = _widget(fields[name], label, state_key)
    return cls(**values)


def sidebar_config(cls: type[C], heading: str, labels: Mapping[str, str], key: str) -> C:
    """The lab's Config: read from the URL (bad values reported), edited in the sidebar, written back."""
    initial = config_from_url(cls)
    with st.sidebar:
        st.header(heading)
        config = config_controls(cls, initial, labels, key)
    write_url(config)
    return config
