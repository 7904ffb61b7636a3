"""Dominance lab page: watch the quiet modality starve, then rebalance it."""

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import dominance as lab
from mmplay.metrics import chance_accuracy
from mmplay.train import history_rows
from mmplay.ui.cards import card_row, chance_caption, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import dominance as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "dominance",
    _("Dominance: the loud modality and the quiet one"),
    _("When the easy modality fits first, the hard one's encoder starves; OGM-GE turns the loud one down."),
    _("Training & balance"),
    {
        "method": _("Balancing method"),
        "alpha": _("OGM α"),
        "modulation_start": _("Modulate from step"),
        "modulation_stop": _("Modulate until step"),
        "imbalance": _("Imbalance (A's margin)"),
        "noise_b": _("Noise on B"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
)
config = page.config
ceiling = page.extra("ceiling") or {}
STARVED = 0.05  # "starved": B's probe ends this far below B alone (the lab's claim)
options = {"yes": _("B's encoder ends ≥ {gap:.0%} points below what B reaches alone", gap=STARVED)}
prediction = page.predict(
    "dominance.predict", _("with method **{method}**, will B's encoder starve?", method=config.method), options
)
kept: dict = st.session_state.setdefault("dominance.kept", {})


def figures(run: lab.DominanceRun) -> dict:
    rows = history_rows(run.trainer.history)
    steps = [r["step"] for r in rows]
    probes = {u: [r[f"probe_accuracy.{u}"] for r in rows] for u in ("a", "b")}
    return {
        "probes": viz.probe_figure(steps, probes, ceiling or None, {k: (v[0], v[1]) for k, v in kept.items()}),
        "grads": viz.grad_figure(run.settle_trace()),
        "ogm": viz.ogm_figure(run.settle_trace()),
        "fused": line_chart(
            steps,
            {
                _("fused"): [r["fused_accuracy"] for r in rows],
                _("fused, A missing"): [r["accuracy_without_a"] for r in rows],
            },
            title=_("Test accuracy"),
            x_title=_("step"),
            y_title=_("accuracy"),
            y_range=[0.4, 1.02],
        ),
    }


def keep(run: lab.DominanceRun) -> None:
    """Before the rerun the click starts: keep B's probe curve, so the charts below show it at once, and say so."""
    rows = history_rows(run.trainer.history)
    name = f"{config.method} α={config.alpha}" if config.method in lab.OGM else config.method
    kept[name] = ([r["step"] for r in rows], [r["probe_accuracy.b"] for r in rows])
    st.toast(
        _(
            "📌 Kept “{name}” ({steps} steps): its B probe stays on the chart as a dotted line.",
            name=name,
            steps=run.trainer.steps_done,
        )
    )


def render(run: lab.DominanceRun) -> None:
    last = run.trainer.history[-1].metrics
    trained = run.trainer.steps_done > 0
    cards = card_row()
    for u in ("a", "b"):
        probe = last[f"probe_accuracy.{u}"]
        gap = _("{gap:+.1%} vs alone", gap=probe - ceiling[u]) if ceiling and trained else None
        cards.metric(_("probe {modality}", modality=u.upper()), f"{probe:.1%}", gap)
    cards.metric(_("fused accuracy"), f"{last['fused_accuracy']:.1%}")
    cards.metric(_("fused, A missing"), f"{last['accuracy_without_a']:.1%}")
    ratio = last.get("grad_norm_ratio")
    cards.metric(_("mean ‖∇A‖ / ‖∇B‖"), "—" if ratio is None else f"{ratio:.2f}", help=_("after the first step"))
    pending = untrained(run.trainer.steps_done, _("How far each encoder falls behind training it alone shows"))
    chance_caption(chance_accuracy(run.test.y), _("Probe and fused: test accuracy.") + " ", pending)
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["probes"], key="dominance.chart.probes")
    right.plotly_chart(figs["fused"], key="dominance.chart.fused")
    left.plotly_chart(figs["grads"], key="dominance.chart.grads")
    right.plotly_chart(figs["ogm"], key="dominance.chart.ogm")
    st.button(_("📌 Keep this run for comparison"), key="dominance.keep", on_click=keep, args=(run,))
    if prediction is not None and run.trainer.steps_done >= 400 and ceiling:
        starved = last["probe_accuracy.b"] <= ceiling["b"] - STARVED
        grade_prediction("dominance.predict", prediction, {"yes"} if starved else set(), options)


page.train(render)
page.export(figures)
