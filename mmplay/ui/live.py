"""The shared training controls: Play / Pause / Step / Reset and a live panel.

Design: each tick of an ``st.fragment(run_every=…)`` advances the run by k steps on the
script thread and redraws only the panel. No worker threads: ``st.*`` is never called off the
script thread, Pause acts at the next tick boundary (a tick is a few milliseconds of
training), and a closed tab simply stops ticking. The fragment runs only while playing, and
each tick holds one of the server's training slots (see :mod:`mmplay.ui.runtime`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import Any, Generic, Protocol, TypeVar

import streamlit as st

from mmplay.i18n import _
from mmplay.ui.runtime import IDLE_TIMEOUT_S, configure_torch, demand, idle_runs, training_slot
from mmplay.view import SPEEDS

TICK_BUDGET_S = 0.5  # a tick stops taking steps after this long (big settings: fewer steps, same pace)
TICK_SLOT_WAIT_S = 20.0  # a tick waits this long for a training slot: a busy server slows ticks, never skips them
SLOW_TICK_FACTOR = 3.0  # a session whose ticks come this many times slower than asked is told why


class Steppable(Protocol):
    """What the panel trains: a run holding a ``trainer`` with ``step(n)`` and ``steps_done``."""

    trainer: Any


R = TypeVar("R", bound=Steppable)


@dataclass
class LiveState(Generic[R]):
    """Per-session state of one lab's run (kept in ``st.session_state``)."""

    config: Any
    run: R | None  # None once the server freed it after an idle timeout
    playing: bool = False


def live_state(key: str, config: Any, build: Callable[[Any], R], fresh: bool = False) -> LiveState[R]:
    """This session's run for ``config``; a changed config starts a fresh (paused) run, and so do ``fresh``
    (the page was opened from a new link) and a run the server freed while the session sat idle (which the
    page is told)."""
    idle = idle_runs()
    now = monotonic()
    idle.sweep(now, IDLE_TIMEOUT_S)
    state: LiveState[R] | None = st.session_state.get(key)
    if state is not None and state.run is None:
        st.info(
            _(
                "This lab sat idle for over {minutes:.0f} min, so the server freed its model to make room for "
                "others: it starts again from step 0. Press ▶ Play to train it.",
                minutes=IDLE_TIMEOUT_S / 60,
            )
        )
    if fresh or state is None or state.run is None or state.config != config:
        state = LiveState(config=config, run=build(config))
        st.session_state[key] = state
    idle.touch(state, now)
    return state


def _reset(key: str, build: Callable[[Any], R]) -> None:
    state: LiveState[R] = st.session_state[key]
    st.session_state[key] = LiveState(config=state.config, run=build(state.config))


def _step(key: str, speed_key: str, max_steps: int) -> None:
    state: LiveState[R] = st.session_state[key]
    state.playing = False
    trainer = state.run.trainer
    with training_slot() as ok:
        if ok:
            trainer.step(min(int(st.session_state[speed_key]), max_steps - trainer.steps_done), budget_s=TICK_BUDGET_S)


def _set_playing(key: str, playing: bool) -> None:
    # Idempotent on purpose: a fragment tick queued before the click can replay its trigger.
    st.session_state[key].playing = playing
    st.session_state.pop(f"{key}.last_tick", None)  # the pace is measured from the next tick on


def pace_notice(key: str, interval_s: float) -> str | None:
    """What to tell a session whose ticks come much slower than asked (how busy the server is, and the pace);
    ``None`` while they come on time."""
    now = monotonic()
    last = st.session_state.get(f"{key}.last_tick")
    st.session_state[f"{key}.last_tick"] = now
    if last is None or now - last < SLOW_TICK_FACTOR * interval_s:
        return None
    others = demand().count  # this session's tick has left the queue already
    pace = {"actual": now - last, "asked": interval_s}
    if others == 0:
        text = _(
            "⏳ The server is shared: it is busy with other work, so your model steps every {actual:.1f} s "
            "instead of every {asked:.1f} s.",
            **pace,
        )
    elif others == 1:
        text = _(
            "⏳ The server is shared: 1 other student is training now, so your model steps every {actual:.1f} s "
            "instead of every {asked:.1f} s.",
            **pace,
        )
    else:
        text = _(
            "⏳ The server is shared: {others} other students are training now, so your model steps every "
            "{actual:.1f} s instead of every {asked:.1f} s.",
            others=others,
            **pace,
        )
    return text


def training_panel(
    key: str,
    state: LiveState[R],
    build: Callable[[Any], R],
    render: Callable[[R], None],
    *,
    max_steps: int,
    interval_s: float = 0.3,
    default_speed: int = 20,
) -> None:
    """Controls row plus the live panel drawn by ``render(run)``; trains while playing. Steps per tick start at
    ``default_speed`` unless the session (or the page's link) already set ``<key>.speed``."""
    speed_key = f"{key}.speed"
    st.session_state.setdefault(speed_key, default_speed)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if state.playing:
            st.button(
                _("⏸ Pause"),
                key=f"{key}.pause",
                on_click=_set_playing,
                args=(key, False),
                type="primary",
                shortcut="Space",
            )
        else:
            st.button(
                _("▶ Play"),
                key=f"{key}.play",
                on_click=_set_playing,
                args=(key, True),
                type="primary",
                shortcut="Space",
            )
        st.button(_("⏭ Step"), key=f"{key}.step", on_click=_step, args=(key, speed_key, max_steps))
        st.button(_("↺ Reset"), key=f"{key}.reset", on_click=_reset, args=(key, build))
        st.select_slider(
            _("steps per tick"),
            SPEEDS,
            key=speed_key,
            label_visibility="collapsed",
            help=_("optimizer steps per screen update"),
            width=160,
        )
        st.caption(_("← steps per tick · stops at step {steps}", steps=max_steps), width="content")

    @st.fragment(run_every=interval_s if state.playing else None)
    def live() -> None:
        configure_torch()  # every run sets it again (see there)
        current: LiveState[R] = st.session_state[key]
        if current.run is None:  # freed while idle: the whole page rebuilds it and says so
            st.rerun(scope="app")
        idle_runs().touch(current, monotonic())
        trainer = current.run.trainer
        # One slot for this tick's notices, drawn on every tick with or without one: the elements after it keep
        # their places. (A notice that came and went shifted them by one; when Streamlit then cut a tick short,
        # a chart sent by reference landed on the old layout and the browser's page crashed: "'setIn' cannot be
        # called on an ElementNode", seen through HAProxy under load.)
        notice = st.empty()
        if current.playing:
            notices = []
            with training_slot(timeout_s=TICK_SLOT_WAIT_S) as ok:
                if ok:
                    wanted = min(int(st.session_state[speed_key]), max_steps - trainer.steps_done)
                    trainer.step(wanted, budget_s=TICK_BUDGET_S)
                else:
                    notices.append(_("The server is busy with other students' runs — this tick waited."))
            notices.append(pace_notice(key, interval_s))
            if any(notices):
                notice.caption("  \n".join(text for text in notices if text))
            if trainer.steps_done >= max_steps:
                current.playing = False
                st.rerun(scope="app")
        if current.playing:
            st.markdown(_("**Step {step}** · training…", step=trainer.steps_done))
        else:
            st.markdown(_("**Step {step}** · paused", step=trainer.steps_done))
        render(current.run)

    live()
