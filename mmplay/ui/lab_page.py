"""The template every lab page follows, derived from the lab's declaration.

``page = LabPage.open("synergy", title, claim, heading, labels)`` reads the config and the view (hidden
parts, presentation mode, autoplay, lesson step: :mod:`mmplay.view`) from the URL, draws the header and
the sidebar, and keeps this session's run (rebuilt only when a training knob changes: test-time knobs
re-score it; a page opened from a new link starts a fresh run, as the link would in a new tab). Then the
page draws its own parts with ``page.config`` and ``page.state``, ``page.predict(…)`` the predict-first
question, ``page.train(render)`` the live panel (with the claims checked under it; Play stops at
``config.steps``), ``page.extra(name)`` a heavy extra, and ``page.export(figures)`` the download.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from mmplay.config import run_config
from mmplay.i18n import N_, _, current_language, language
from mmplay.labs import LABS
from mmplay.labs.declaration import Lab, Metrics, flatten
from mmplay.train import history_rows
from mmplay.ui.claims_panel import claims_panel
from mmplay.ui.controls import config_controls
from mmplay.ui.export import export_button, export_zip
from mmplay.ui.extras import cached_result, extra_result, result_key
from mmplay.ui.lesson_link import lesson_link_popover
from mmplay.ui.live import LiveState, live_state, training_panel
from mmplay.ui.page import lab_explanation, lab_header
from mmplay.ui.predict import PREDICT_KEY, lock_prediction, predict_first
from mmplay.ui.url_state import opened_from_link, query, read_url, write_page_param, write_url
from mmplay.view import View

STOP_LABEL = N_("Play stops at step")  # the ``steps`` knob's label, translated where shown


@dataclass
class LabPage:
    lab: Lab
    config: Any  # the user's settings, test-time knobs included
    state: LiveState  # this session's run (trained at the config's training knobs)
    build: Callable[[Any], Any]  # the state's key -> a fresh run (Reset)
    view: View  # what the link hides, presentation mode, lesson step
    from_link: bool  # this run's URL came from outside (a new link), not from an earlier run

    @classmethod
    def open(
        cls,
        slug: str,
        title: str,
        claim: str,
        heading: str,
        labels: Mapping[str, str],
        data: Callable[[Any], tuple[str, Any]] | None = None,
        inapplicable: Mapping[str, str] | None = None,
        page_keys: Sequence[str] = (),
    ) -> LabPage:
        """Header, sidebar controls (from the URL), and this session's run.

        ``data(config) -> (source, data)``: the user's own data (an upload), passed to
        ``lab.build(config, None, data)``; ``source`` names it in the run's key. ``inapplicable``:
        ``{knob: why it does not apply now}``, drawn disabled with the reason. ``page_keys``: URL parameters
        the page keeps itself (besides ``predict``, the locked prediction), carried by the lesson link.
        """
        page_keys = (*page_keys, PREDICT_KEY)
        lab = LABS[slug]
        config, view = read_url(lab.config, page_keys)
        from_link = opened_from_link(slug)
        speed_key = f"{slug}.run.speed"
        if from_link or speed_key not in st.session_state:
            st.session_state[speed_key] = view.speed or lab.default_speed
        speed = st.session_state[speed_key]
        view = dataclasses.replace(view, speed=None if speed == lab.default_speed else speed)
        lab_header(slug, title, claim, view)
        labels = {**labels, "steps": _(STOP_LABEL)}
        with st.sidebar:
            st.header(heading)
            config = config_controls(lab.config, config, labels, slug, view.hidden, from_link, inapplicable)
            lesson_link_popover(slug, config, view, labels, [k for k in page_keys if k != PREDICT_KEY])
        write_url(slug, config, view, page_keys)
        if data is None:
            key, build = run_config(config), lab.build
        else:
            source, own = data(config)
            key, build = (run_config(config), source), lambda key: lab.build(key[0], None, own)
        state = live_state(f"{slug}.run", key, build, fresh=from_link)
        if from_link and view.autoplay:
            state.playing = True
        return cls(lab, config, state, build, view, from_link)

    @property
    def run(self) -> Any:
        return self.state.run

    def metrics(self, run: Any) -> Metrics:
        """The lab's metrics at the user's settings, with every extra already computed for them."""
        metrics = self.lab.metrics(run, self.config)
        for extra in self.lab.extras:
            result = cached_result(extra, result_key(extra, self.config, run))
            if result is not None:
                metrics.update(flatten(result, f"{extra.name}."))
        return metrics

    def train(self, render: Callable[[Any], None]) -> None:
        """Play / Pause / Step / Reset and the live panel: ``render(run)``, then the claims checked on it (and, in
        presentation mode, the explanation)."""

        def panel(run: Any) -> None:
            render(run)
            claims_panel(self.lab, self.config, self.metrics(run), run.trainer.steps_done)

        training_panel(
            f"{self.lab.slug}.run",
            self.state,
            self.build,
            panel,
            max_steps=self.config.steps,
            default_speed=self.lab.default_speed,
        )
        if self.view.present:  # open, under the figures: above them it would push Play off a projector's screen
            lab_explanation(self.lab.slug, self.view)

    def extra(self, name: str) -> dict | None:
        """A heavy extra's result for the current settings (see :mod:`mmplay.ui.extras`); it starts by
        itself when its declaration says the work is quick at these settings, else on its button."""
        extra = next(e for e in self.lab.extras if e.name == name)
        return extra_result(self.lab, name, self.config, self.state.run, auto=extra.starts_itself(self.config))

    def predict(self, key: str, question: str, options: Mapping[str, str]) -> set[str] | None:
        """The predict-first question (see :func:`~mmplay.ui.predict.predict_first`); ``None`` when hidden.
        The locked prediction is in the URL (``predict=a,b``; empty: "none of them"), and a link carrying one
        opens with it locked."""
        if self.view.hides("predict"):
            return None
        if self.from_link and PREDICT_KEY in query():
            lock_prediction(key, query()[PREDICT_KEY], options)
        locked = predict_first(key, question, options)
        write_page_param(self.lab.slug, PREDICT_KEY, None if locked is None else ",".join(sorted(locked)))
        return locked

    def playing(self) -> bool:
        return bool(st.session_state[f"{self.lab.slug}.run"].playing)

    def export(self, figures: Callable[[Any], Mapping[str, go.Figure]]) -> None:
        """The download: config, metrics at the user's settings, the training history, the figures (their texts in
        the session's language: Streamlit builds the zip on the click, outside the session's script run)."""
        slug, code = self.lab.slug, current_language()

        def bundle() -> bytes:
            run = self.state.run
            with language(code):
                return export_zip(slug, self.config, self.metrics(run), history_rows(run.trainer.history), figures(run))

        if not self.view.hides("export"):
            export_button(slug, bundle, key=f"{slug}.export")
