"""Dominance lab page: watch the quiet modality starve, then rebalance it."""

import dataclasses

import streamlit as st

from mmplay.labs import dominance as lab
from mmplay.train import history_rows
from mmplay.ui.controls import sidebar_config
from mmplay.ui.export import export_button, export_zip
from mmplay.ui.live import live_state, training_panel
from mmplay.ui.page import lab_header
from mmplay.ui.predict import grade_prediction, predict_first
from mmplay.viz import dominance as viz
from mmplay.viz.common import line_chart

lab_header(
    "dominance",
    "Dominance: the loud modality and the quiet one",
    "When the easy modality fits first, the hard one's encoder starves; OGM-GE turns the loud one down.",
)
config = sidebar_config(
    lab.Config,
    "Training & balance",
    {
        "method": "Balancing method",
        "alpha": "OGM α",
        "modulation_start": "Modulate from step",
        "modulation_stop": "Modulate until step",
        "imbalance": "Imbalance (A's margin)",
        "noise_b": "Noise on B",
        "lr": "Learning rate",
        "seed": "Seed",
    },
    key="dominance",
)
state = live_state("dominance.run", config, lab.build)


@st.cache_data(show_spinner="Training each modality alone for its ceiling…", max_entries=32)
def ceilings(config: lab.Config) -> dict:
    return lab.ceilings(dataclasses.replace(config, method="none"))


ceiling = ceilings(config)
options = {"yes": "B's encoder ends ≥ 10 points below what B reaches alone"}
prediction = predict_first("dominance.predict", f"with method **{config.method}**, will B's encoder starve?", options)
kept: dict = st.session_state.setdefault("dominance.kept", {})


def figures(run: lab.DominanceRun) -> dict:
    rows = history_rows(run.trainer.history)
    steps = [r["step"] for r in rows]
    probes = {u: [r[f"probe_accuracy.{u}"] for r in rows] for u in ("a", "b")}
    return {
        "probes": viz.probe_figure(steps, probes, ceiling, {k: (v[0], v[1]) for k, v in kept.items()}),
        "grads": viz.grad_figure(run.trace),
        "ogm": viz.ogm_figure(run.trace),
        "fused": line_chart(
            steps,
            {"fused": [r["fused_accuracy"] for r in rows], "fused, A missing": [r["accuracy_without_a"] for r in rows]},
            title="Test accuracy",
            x_title="step",
            y_title="accuracy",
            y_range=[0.4, 1.02],
        ),
    }


def render(run: lab.DominanceRun) -> None:
    last = run.trainer.history[-1].metrics
    cards = st.columns(5)
    cards[0].metric(
        "probe A", f"{last['probe_accuracy.a']:.1%}", f"{last['probe_accuracy.a'] - ceiling['a']:+.1%} vs alone"
    )
    cards[1].metric(
        "probe B", f"{last['probe_accuracy.b']:.1%}", f"{last['probe_accuracy.b'] - ceiling['b']:+.1%} vs alone"
    )
    cards[2].metric("fused accuracy", f"{last['fused_accuracy']:.1%}")
    cards[3].metric("fused, A missing", f"{last['accuracy_without_a']:.1%}")
    cards[4].metric("mean ‖∇A‖ / ‖∇B‖", f"{last['grad_norm_ratio']:.2f}")
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["probes"], key="dominance.chart.probes")
    right.plotly_chart(figs["fused"], key="dominance.chart.fused")
    left.plotly_chart(figs["grads"], key="dominance.chart.grads")
    right.plotly_chart(figs["ogm"], key="dominance.chart.ogm")
    if st.button("📌 Keep this run for comparison", key="dominance.keep"):
        rows = history_rows(run.trainer.history)
        kept[f"{config.method} α={config.alpha}"] = ([r["step"] for r in rows], [r["probe_accuracy.b"] for r in rows])
    if prediction is not None and run.trainer.steps_done >= 400:
        starved = last["probe_accuracy.b"] <= ceiling["b"] - 0.10
        grade_prediction("dominance.predict", prediction, {"yes"} if starved else set(), options)


training_panel("dominance.run", state, lab.build, render, max_steps=3000, default_speed=50)
export_button(
    "dominance",
    lambda: export_zip("dominance", config, history_rows(state.run.trainer.history), figures(state.run)),
    key="dominance.export",
)
