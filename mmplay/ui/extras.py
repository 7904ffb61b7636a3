"""Heavy extras on a page (sweeps, ceilings, p-values): under a training slot, with progress and Cancel.

An :class:`~mmplay.labs.declaration.Extra` runs only when asked (its button) or, if ``auto``, on a
page's first view. While it runs the page shows a progress bar and a Cancel button. Cancel works
through Streamlit itself: the click asks for a rerun, and Streamlit stops the running script at its
next ``st.*`` call — the progress bar is redrawn at least every ``PROGRESS_EVERY_S``, so Cancel
acts within about that time plus the chunk in flight. Results are kept per key (the config fields
the extra depends on; and the run, or its step, when it reads them): config-only results are shared
by every session of the process (a class on default settings computes them once), run-dependent
ones live in the session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import streamlit as st

from mmplay.i18n import _
from mmplay.labs.declaration import Extra, Lab
from mmplay.ui.runtime import training_slot

PROGRESS_EVERY_S = 0.1  # the progress bar (and so a chance to cancel) at least this often
SHARED_RESULTS = 64  # config-only results kept per process


@st.cache_resource
def _shared() -> tuple[threading.Lock, OrderedDict]:
    return threading.Lock(), OrderedDict()


def result_key(extra: Extra, config: Any, run: Any) -> tuple:
    """What the extra's result depends on: its config fields, and the run (and step) if it reads them."""
    key = extra.key(config)
    if extra.uses_run:
        key += (id(run),)
    if extra.uses_training:
        key += (run.trainer.steps_done,)
    return key


def cached_result(extra: Extra, key: tuple) -> dict | None:
    """The stored result for ``key``, or ``None``."""
    if extra.uses_run:
        return st.session_state.get("mmplay.extras", {}).get(key)
    lock, results = _shared()
    with lock:
        return results.get(key)


def _store(extra: Extra, key: tuple, result: dict) -> None:
    if extra.uses_run:
        st.session_state.setdefault("mmplay.extras", {})[key] = result
        return
    lock, results = _shared()
    with lock:
        results[key] = result
        while len(results) > SHARED_RESULTS:
            results.popitem(last=False)


def _request(flag: str, wanted: bool) -> None:
    st.session_state[flag] = wanted


def _compute(extra: Extra, config: Any, run: Any, flag: str) -> dict | None:
    """Run ``extra`` under a training slot with a progress bar and Cancel; ``None`` if no slot was free."""
    st.button(_("✖ Cancel"), key=f"{flag}.cancel", on_click=_request, args=(flag, False))
    label = str(extra.label)
    bar = st.progress(0.0, text=_("{task} — waiting for a training slot…", task=label))
    last = [0.0]

    def progress(done: float) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            bar.progress(min(max(done, 0.0), 1.0), text=f"{label} — {done:.0%}")

    with training_slot(timeout_s=30.0) as ok:
        if not ok:
            bar.empty()
            st.warning(_("The server is busy with other students' work; press the button again in a moment."))
            return None
        bar.progress(0.0, text=f"{label} — 0%")
        result = extra.compute(config, run, progress)
    bar.empty()
    return result


def extra_result(lab: Lab, name: str, config: Any, run: Any, auto: bool = False) -> dict | None:
    """The extra's result for this config (and run): cached, computed on request, or ``None``.

    Draws the extra's button (or nothing, when ``auto``), and its progress and Cancel while it runs.
    """
    extra = next(e for e in lab.extras if e.name == name)
    key = result_key(extra, config, run)
    result = cached_result(extra, key)
    if result is not None:
        return result
    flag = f"{lab.slug}.extra.{name}.requested"
    if auto and flag not in st.session_state:
        st.session_state[flag] = True
    if not st.session_state.get(flag):
        st.button(str(extra.label), key=f"{lab.slug}.extra.{name}", on_click=_request, args=(flag, True))
        return None
    result = _compute(extra, config, run, flag)
    if result is not None:
        _store(extra, key, result)
        if not auto:  # a button's extra waits for the next click; an auto one follows the settings
            st.session_state[flag] = False
    return result
