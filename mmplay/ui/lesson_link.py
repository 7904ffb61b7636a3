"""The "🔗 Lesson link" popover: the teacher ticks what to hide and copies a link to this lab as it is set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from mmplay.config import config_to_strings
from mmplay.view import PARTS, View, view_to_strings

PART_LABELS = dict(
    zip(PARTS, ("the sidebar (all settings)", "the explanation", "the predict-first question", "the download"))
)


def page_address(slug: str) -> str:
    """This page's address without its query (``http://host:port/<slug>``)."""
    url = (st.context.url or "").split("?")[0]
    return url if url.endswith(f"/{slug}") else f"{url.rstrip('/')}/{slug}"


def lesson_url(slug: str, config: Any, view: View, own: Mapping[str, str] | None = None) -> str:
    """The link that opens ``slug`` at ``config`` with ``view`` and the page's ``own`` parameters."""
    return f"{page_address(slug)}?{urlencode(config_to_strings(config) | view_to_strings(view) | dict(own or {}))}"


def lesson_link_popover(
    slug: str, config: Any, view: View, knobs: Mapping[str, str], page_keys: Sequence[str] = ()
) -> None:
    """Tick parts and settings to hide, presentation mode and autoplay; the link updates as you tick. It
    carries the page's own ``page_keys`` as they are in the URL now, and the steps per tick."""
    with st.popover("🔗 Lesson link", width="stretch"):
        st.caption("A link that opens this lab with the settings above — for a slide, a chat or a worksheet.")
        names = {**PART_LABELS, **{name: f"the “{label}” control" for name, label in knobs.items()}}
        hidden = st.multiselect(
            "Hide",
            list(names),
            default=[n for n in names if view.hides(n)],
            format_func=names.get,
            key=f"{slug}.link.hide",
        )
        present = st.checkbox(
            "Presentation mode (sidebar closed, larger type)", value=view.present, key=f"{slug}.link.present"
        )
        autoplay = st.checkbox("Start training when the link opens", value=view.autoplay, key=f"{slug}.link.autoplay")
        link = View(frozenset(hidden), present, autoplay, speed=view.speed)
        own = {key: st.query_params[key] for key in page_keys if key in st.query_params}
        st.code(lesson_url(slug, config, link, own), language=None, wrap_lines=True)
        st.caption("Copy it with the button at the code's top right. Hidden settings still apply.")
