"""The session's language: ``?lang=zh|en`` in the URL, else the sidebar switch's last choice, else the browser's.

The choice is kept in ``st.session_state`` and installed as :mod:`mmplay.i18n`'s language source, so every
``_()`` in this session's script and fragment runs translates into it. A link carries it (``lang=zh``; English,
the default, is left out), and changing it keeps the lab's run: :func:`~mmplay.ui.url_state.opened_from_link`
does not count ``lang`` as a new link.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mmplay.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, set_language_source

LANGUAGE_KEY = "lang"  # the URL parameter
STATE_KEY = "mmplay.lang"  # the session's choice
SWITCH_KEY = "mmplay.lang.switch"


def session_language() -> str | None:
    """The language chosen in this Streamlit session (``None`` outside a session's script run).

    Before :func:`choose_language` has run (a page opened on its own, as tests do) it is settled from ``?lang=`` or
    the browser, without the notice."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    try:  # the session's state itself, not st.session_state's proxy: a page asks this for every text it shows
        return ctx.session_state[STATE_KEY]
    except KeyError:  # a page run without app.py (tests): settle it as app.py would
        asked = st.query_params.get(LANGUAGE_KEY)
        st.session_state[STATE_KEY] = asked if asked in LANGUAGES else browser_language()
        return st.session_state[STATE_KEY]


set_language_source(session_language)


def browser_language() -> str:
    """The browser's preferred language, when it is one of :data:`~mmplay.i18n.LANGUAGES` (``zh-CN`` → ``zh``)."""
    locale = (st.context.locale or "").lower()
    code = locale.split("-")[0].split("_")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def choose_language() -> str:
    """Settle this run's language: a valid ``?lang=`` wins, then the session's choice, then the browser's.

    An unknown ``?lang=`` value is reported (in the language chosen otherwise) and removed from the URL."""
    asked = st.query_params.get(LANGUAGE_KEY)
    if asked in LANGUAGES:
        st.session_state[STATE_KEY] = asked
    elif STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = browser_language()
    if asked is not None and asked not in LANGUAGES:
        del st.query_params[LANGUAGE_KEY]
        st.warning(
            _(
                "lang={value} ignored: the interface speaks {languages}.",
                value=repr(asked),
                languages=", ".join(LANGUAGES),
            ),
            icon="⚠️",
        )
    return st.session_state[STATE_KEY]


def language_param() -> dict[str, str]:
    """The URL parameter that carries the session's language (nothing for English, the default)."""
    code = st.session_state.get(STATE_KEY, DEFAULT_LANGUAGE)
    return {} if code == DEFAULT_LANGUAGE else {LANGUAGE_KEY: code}


def _switched() -> None:
    code = st.session_state[SWITCH_KEY]
    if code is None:  # the selected option clicked again: keep the language
        return
    st.session_state[STATE_KEY] = code
    if code == DEFAULT_LANGUAGE:
        if LANGUAGE_KEY in st.query_params:
            del st.query_params[LANGUAGE_KEY]
    else:
        st.query_params[LANGUAGE_KEY] = code


def language_switch() -> None:
    """The sidebar's switch, labelled in both languages so either reader finds it."""
    st.session_state[SWITCH_KEY] = st.session_state[STATE_KEY]
    st.sidebar.segmented_control(
        "Language · 语言",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=SWITCH_KEY,
        on_change=_switched,
        selection_mode="single",
    )
