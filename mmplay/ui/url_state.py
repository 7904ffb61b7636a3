"""A lab's Config and the page's :class:`~mmplay.view.View` mirrored in the URL (``st.query_params``), so a
copied link reproduces both; so are a page's own parameters (``page_keys``: the locked prediction, Experts'
closed-form playground), which are neither knobs nor view."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any, TypeVar

import streamlit as st

from mmplay.config import config_to_strings, parse_config
from mmplay.i18n import _
from mmplay.ui.language import LANGUAGE_KEY, language_param
from mmplay.view import View, parse_view, split_query, view_to_strings

C = TypeVar("C")


def query() -> dict[str, str]:
    """The URL's query parameters (the last value of a repeated one)."""
    return {key: st.query_params[key] for key in st.query_params}


def read_url(cls: type[C], page_keys: Collection[str] = ()) -> tuple[C, View]:
    """The config and view the URL asks for (``page_keys`` left to the page); invalid values fall back to
    defaults with one visible notice."""
    knobs, view_raw = split_query({k: v for k, v in query().items() if k not in page_keys})
    config, problems = parse_config(cls, knobs)
    view, view_problems = parse_view(view_raw, [f.name for f in dataclasses.fields(cls)])
    problems += view_problems
    if problems:
        heading = _("Some link settings were not valid and were reset:")
        st.warning(heading + "\n\n- " + "\n- ".join(problems), icon="⚠️")
    return config, view


def opened_from_link(key: str) -> bool:
    """Whether this run's URL came from outside (a first visit, a lesson's Next, a pasted link) rather than
    from :func:`write_url` of an earlier run; an empty query (the navigation menu) is not a link."""
    current = query()
    written = st.session_state.get(f"{key}.url")
    if written is None:
        return True
    current.pop(LANGUAGE_KEY, None)  # a language switch is not a new link
    written = {k: v for k, v in written.items() if k != LANGUAGE_KEY}
    return bool(current) and current != written


def write_url(key: str, config: Any, view: View, page_keys: Collection[str] = ()) -> None:
    """Replace the URL's query parameters by ``config`` and ``view``, keeping the page's own ``page_keys`` and
    the session's language (only when they differ)."""
    current = query()
    own = {k: current[k] for k in page_keys if k in current}
    wanted = config_to_strings(config) | view_to_strings(view) | own | language_param()
    st.session_state[f"{key}.url"] = wanted
    if current != wanted:
        st.query_params.from_dict(wanted)


def write_page_param(key: str, name: str, value: str | None) -> None:
    """Set (or, with ``None``, remove) the page's own parameter ``name`` in the URL, and in what
    :func:`opened_from_link` compares against, so the next run does not take it for a new link."""
    written = dict(st.session_state.get(f"{key}.url", {}))
    if written.get(name) == value and query().get(name) == value:
        return
    if value is None:
        written.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]
    else:
        written[name] = value
        st.query_params[name] = value
    st.session_state[f"{key}.url"] = written
