"""The "🔗 Lesson link" popover: the teacher ticks what to hide and copies a link to this lab as it is set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from mmplay.config import config_to_strings
from mmplay.i18n import N_, _
from mmplay.ui.language import language_param
from mmplay.view import PARTS, View, view_to_strings

PART_LABELS = dict(  # English; translated where shown
    zip(
        PARTS,
        (
            N_("the sidebar (all settings)"),
            N_("the explanation"),
            N_("the predict-first question"),
            N_("the download"),
        ),
    )
)


def page_address(slug: str) -> str:
    """This page's address without its query (``http://host:port/<slug>``)."""
    url = (st.context.url or "").split("?")[0]
    return url if url.endswith(f"/{slug}") else f"{url.rstrip('/')}/{slug}"


def lesson_url(slug: str, config: Any, view: View, own: Mapping[str, str] | None = None) -> str:
    """The link that opens ``slug`` at ``config`` with ``view`` and the page's ``own`` parameters."""
    query = config_to_strings(config) | view_to_strings(view) | dict(own or {}) | language_param()
    return f"{page_address(slug)}?{urlencode(query)}"


def lesson_link_popover(
    slug: str, config: Any, view: View, knobs: Mapping[str, str], page_keys: Sequence[str] = ()
) -> None:
    """Tick parts and settings to hide, presentation mode and autoplay; the link updates as you tick. It
    carries the page's own ``page_keys`` as they are in the URL now, and the steps per tick."""
    with st.popover(_("🔗 Lesson link"), width="stretch"):
        st.caption(_("A link that opens this lab with the settings above — for a slide, a chat or a worksheet."))
        parts = {name: _(label) for name, label in PART_LABELS.items()}
        names = {**parts, **{name: _("the “{label}” control", label=label) for name, label in knobs.items()}}
        hidden = st.multiselect(
            _("Hide"),
            list(names),
            default=[n for n in names if view.hides(n)],
            format_func=names.get,
            key=f"{slug}.link.hide",
        )
        present = st.checkbox(
            _("Presentation mode (sidebar closed, larger type)"), value=view.present, key=f"{slug}.link.present"
        )
        autoplay = st.checkbox(
            _("Start training when the link opens"), value=view.autoplay, key=f"{slug}.link.autoplay"
        )
        link = View(frozenset(hidden), present, autoplay, speed=view.speed)
        own = {key: st.query_params[key] for key in page_keys if key in st.query_params}
        st.code(lesson_url(slug, config, link, own), language=None, wrap_lines=True)
        st.caption(_("Copy it with the button at the code's top right. Hidden settings still apply."))
