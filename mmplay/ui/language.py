"""The session's language: a newly opened ``?lang=zh|en``, else the sidebar switch's last choice, else the browser's.

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
URL_SEEN_KEY = "mmplay.lang.url"  # the ``lang`` the URL held after the session's last run
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
    """Settle this run's language: a ``?lang=`` the URL did not hold on the session's last run wins (a link opened,
    the address edited), then the session's choice, then the browser's; then the URL is made to carry the choice.

    Only a *changed* ``?lang=`` counts: a rerun can carry the URL from before a click on the switch (Streamlit merges
    a fragment's queued tick into the click's rerun), and that stale ``lang=zh`` must not undo the click. An unknown
    value is reported (in the language chosen otherwise) and removed from the URL."""
    asked = st.query_params.get(LANGUAGE_KEY)
    if asked in LANGUAGES and asked != st.session_state.get(URL_SEEN_KEY):
        st.session_state[STATE_KEY] = asked
    elif STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = browser_language()
    if asked is not None and asked not in LANGUAGES:
        st.warning(
            _(
                "lang={value} ignored: the interface speaks {languages}.",
                value=repr(asked),
                languages=", ".join(LANGUAGES),
            ),
            icon="⚠️",
        )
    wanted = language_param().get(LANGUAGE_KEY)
    if asked != wanted:
        if wanted is None:
            del st.query_params[LANGUAGE_KEY]
        else:
            st.query_params[LANGUAGE_KEY] = wanted
    st.session_state[URL_SEEN_KEY] = wanted
    return st.session_state[STATE_KEY]


def language_param() -> dict[str, str]:
    """The URL parameter that carries the session's language (nothing for English, the default)."""
    code = st.session_state.get(STATE_KEY, DEFAULT_LANGUAGE)
    return {} if code == DEFAULT_LANGUAGE else {LANGUAGE_KEY: code}


def _switched() -> None:
    code = st.session_state[SWITCH_KEY]
    if code is not None:  # None: the selected option clicked again, which keeps the language
        st.session_state[STATE_KEY] = code  # the URL follows in choose_language()


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
