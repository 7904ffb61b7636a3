""" "Predict first": the user commits to a guess before training, the page grades it after."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st

from mmplay.i18n import _

PREDICT_KEY = "predict"  # the URL parameter holding a locked prediction


def lock_prediction(key: str, raw: str, options: Mapping[str, str]) -> None:
    """Lock in the prediction a link carries (``"a,b"``; ``""``: none of them); names that are not options
    are reported and left out."""
    picked = [name for name in (part.strip() for part in raw.split(",")) if name]
    unknown = [name for name in picked if name not in options]
    if unknown:
        st.warning(
            _(
                "predict={value}: {unknown} not among the options ({options}); left out.",
                value=repr(raw),
                unknown=", ".join(unknown),
                options=", ".join(options),
            )
        )
    st.session_state[f"{key}.locked"] = {name for name in picked if name in options}


def predict_first(key: str, question: str, options: Mapping[str, str]) -> set[str] | None:
    """Ask ``question`` with a multiselect of ``options`` ({value: label}) until locked in.

    Returns:
        The locked-in prediction, or ``None`` while the user has not committed.
    """
    locked: set[str] | None = st.session_state.get(f"{key}.locked")
    if locked is not None:
        return locked
    with st.container(border=True, gap="small"):
        st.markdown(_("**🤔 Predict first:** {question}", question=question))
        with st.container(horizontal=True, vertical_alignment="center"):
            choice = st.multiselect(
                _("Your prediction"),
                list(options),
                format_func=options.get,
                key=f"{key}.choice",
                label_visibility="collapsed",
                placeholder=_("Your prediction (pick none, one or several)"),
            )
            if st.button(_("Lock in my prediction"), key=f"{key}.lock"):
                st.session_state[f"{key}.locked"] = set(choice)
                st.rerun()
    return None


def grade_prediction(key: str, predicted: set[str], actual: Collection[str], options: Mapping[str, str]) -> None:
    """Say which of the user's picks were right, next to what actually happened."""
    actual = set(actual)
    right = len(options) - len(predicted ^ actual)
    names = lambda values: ", ".join(options[v] for v in options if v in values) or _("none")  # noqa: E731
    message = _(
        "You predicted: **{predicted}**. Actually solved: **{actual}**. You were right about {right} of {total}.",
        predicted=names(predicted),
        actual=names(actual),
        right=right,
        total=len(options),
    )
    (st.success if predicted == actual else st.info)(message, icon="🎯")
    if st.button(_("Predict again"), key=f"{key}.again"):
        st.session_state.pop(f"{key}.locked", None)
        st.rerun()
