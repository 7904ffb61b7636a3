"""Dominance lab page: watch the quiet modality starve, then rebalance it."""

import streamlit as st

from mmplay.labs import dominance as lab
from mmplay.metrics import chance_accuracy
from mmplay.train import history_rows
from mmplay.ui.cards import chance_caption, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import dominance as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "dominance",
    "Dominance: the loud modality and the quiet one",
    "When the easy modality fits first, the hard one's encoder starves; OGM-GE turns the loud one down.",
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
)
config = page.config
ceiling = page.extra("ceiling") or {}
STARVED = 0.05  # "starved": B's probe ends this far below B alone (the lab's claim)
options = {"yes": f"B's encoder ends ≥ {STARVED:.0%} points below what B reaches alone"}
prediction = page.predict("dominance.predict", f"with method **{config.method}**, will B's encoder starve?", options)
kept: dict = st.session_state.setdefault("dominance.kept", {})


def figures(run: lab.DominanceRun) -> dict:
    rows = history_rows(run.trainer.history)
    steps = [r["step"] for r in rows]
    probes = {u: [r[f"probe_accuracy.{u}"] for r in rows] for u in ("a", "b")}
    return {
        "probes": viz.probe_figure(steps, probes, ceiling or None, {k: (v[0], v[1]) for k, v in kept.items()}),
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


def keep(run: lab.DominanceRun) -> None:
    """Before the rerun the click starts: keep B's probe curve, so the charts below show it at once, and say so."""
    rows = history_rows(run.trainer.history)
    name = f"{config.method} α={config.alpha}" if config.method in lab.OGM else config.method
    kept[name] = ([r["step"] for r in rows], [r["probe_accuracy.b"] for r in rows])
    st.toast(f"📌 Kept “{name}” ({run.trainer.steps_done} steps): its B probe stays on the chart as a dotted line.")


def render(run: lab.DominanceRun) -> None:
    last = run.trainer.history[-1].metrics
    trained = run.trainer.steps_done > 0
    cards = st.columns(5)
    for card, u in zip(cards, ("a", "b")):
        gap = f"{last[f'probe_accuracy.{u}'] - ceiling[u]:+.1%} vs alone" if ceiling and trained else None
        card.metric(f"probe {u.upper()}", f"{last[f'probe_accuracy.{u}']:.1%}", gap)
    cards[2].metric("fused accuracy", f"{last['fused_accuracy']:.1%}")
    cards[3].metric("fused, A missing", f"{last['accuracy_without_a']:.1%}")
    ratio = last.get("grad_norm_ratio")
    cards[4].metric("mean ‖∇A‖ / ‖∇B‖", "—" if ratio is None else f"{ratio:.2f}", help="after the first step")
    pending = untrained(run.trainer.steps_done, "How far each encoder falls behind training it alone shows")
    chance_caption(chance_accuracy(run.test.y), "Probe and fused: test accuracy. ", pending)
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["probes"], key="dominance.chart.probes")
    right.plotly_chart(figs["fused"], key="dominance.chart.fused")
    left.plotly_chart(figs["grads"], key="dominance.chart.grads")
    right.plotly_chart(figs["ogm"], key="dominance.chart.ogm")
    st.button("📌 Keep this run for comparison", key="dominance.keep", on_click=keep, args=(run,))
    if prediction is not None and run.trainer.steps_done >= 400 and ceiling:
        starved = last["probe_accuracy.b"] <= ceiling["b"] - STARVED
        grade_prediction("dominance.predict", prediction, {"yes"} if starved else set(), options)


page.train(render)
page.export(figures)
