"""A lab's Config mirrored in the URL (``st.query_params``) so a copied link reproduces it."""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

from mmplay.config import config_to_strings, parse_config

C = TypeVar("C")


def config_from_url(cls: type[C]) -> C:
    """The config the URL asks for; invalid values fall back to defaults with a visible notice."""
    raw: dict[str, Any] = {key: st.query_params[key] for key in st.query_params}
    config, problems = parse_config(cls, raw)
    if problems:
        st.warning("Some link settings were not valid and were reset:\n\n- " + "\n- ".join(problems), icon="⚠️")
    return config


def write_url(config: Any) -> None:
    """Replace the URL's query parameters by ``config`` (only when they differ)."""
    wanted = config_to_strings(config)
    current = {key: st.query_params[key] for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
