"""Widgets generated from a Config's fields (their ``knob`` ranges and choices)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

import streamlit as st

from mmplay.config import at_resolution, decimals, log_stops, slider_step
from mmplay.i18n import _, current_language, language

C = TypeVar("C")

NUMBER_INPUT_ABOVE = 4000  # an integer knob with a wider range than this is typed, not slid


def _widget(field: dataclasses.Field, label: str, key: str, off: str | None = None) -> Any:
    """The knob's widget; ``off``: why it does not apply now (then it is disabled and says so)."""
    meta = field.metadata
    help_text = _(meta["help"]) if meta.get("help") else None
    common = {"key": key, "help": help_text, "disabled": off is not None}
    if meta.get("choices"):
        code = current_language()  # the names are shown in this run's language, wherever the widget formats them
        shown_in = f"{key}.language"
        if st.session_state.get(shown_in, code) != code and key in st.session_state:
            # the browser keeps showing the choice's old name until its value is sent again with the new names
            st.session_state[key] = st.session_state[key]
        st.session_state[shown_in] = code
        return st.selectbox(label, meta["choices"], format_func=lambda value: choice_name(field, value, code), **common)
    if isinstance(field.default, bool):
        return st.toggle(label, **common)
    lo, hi = meta.get("lo"), meta.get("hi")
    if isinstance(field.default, int) and (hi is None or hi - lo > NUMBER_INPUT_ABOVE):
        return st.number_input(label, min_value=lo, max_value=hi, step=1, **common)
    if isinstance(field.default, int):
        return st.slider(label, min_value=int(lo), max_value=int(hi), step=1, **common)
    if meta.get("log"):  # 0.001, 0.002, 0.003, 0.005, 0.01, …: each decade gets the same room
        stops = sorted({*log_stops(lo, hi), st.session_state[key]})
        return st.select_slider(label, stops, format_func=lambda v: f"{v:g}", **common)
    step = slider_step(field)
    return st.slider(
        label, min_value=float(lo), max_value=float(hi), step=step, format=f"%.{decimals(step)}f", **common
    )


def choice_name(field: dataclasses.Field, value: Any, code: str) -> str:
    """What the widget shows for one of the knob's choices: its declared name in language ``code`` (else the
    value)."""
    name = field.metadata.get("names", {}).get(value)
    if not name:
        return str(value)
    with language(code):
        return _(name)


def why_off(
    field: dataclasses.Field,
    fields: Mapping[str, dataclasses.Field],
    values: Mapping[str, Any],
    labels: Mapping[str, str],
) -> str | None:
    """Why ``field`` does not apply at ``values`` (its ``only_if`` knob holds another value), or ``None``."""
    rule = field.metadata.get("only_if")
    if rule is None or values[rule[0]] in rule[1]:
        return None
    wanted = _(" or ").join(f"“{choice_name(fields[rule[0]], v, current_language())}”" for v in rule[1])
    return _("Not used now: only when {knob} is {values}.", knob=labels.get(rule[0], rule[0]), values=wanted)


def config_controls(
    cls: type[C],
    initial: C,
    labels: Mapping[str, str],
    key: str,
    hidden: Collection[str] = (),
    reseed: bool = False,
    inapplicable: Mapping[str, str] | None = None,
) -> C:
    """Draw one widget per field named in ``labels`` (in order) and not ``hidden``; other fields keep
    ``initial``. Floats are rounded to their knob's resolution. A knob that does not apply (its ``only_if``, or
    named in ``inapplicable`` with the reason) is disabled, with the reason under it; its value still holds.

    Widget state starts from ``initial`` (the URL's config) the first time the page runs, and again
    when ``reseed`` (the page was opened from a new link).
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = dataclasses.asdict(initial)
    for name, label in labels.items():
        if name in hidden:
            continue
        state_key = f"{key}.{name}"
        if reseed or state_key not in st.session_state:
            st.session_state[state_key] = values[name]
        off = (inapplicable or {}).get(name) or why_off(fields[name], fields, values, labels)
        values[name] = at_resolution(fields[name], _widget(fields[name], label, state_key, off))
        if off:
            st.caption(off)
    return cls(**values)
