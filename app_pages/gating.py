"""Gating lab page: negative transfer under a corrupted modality, and two gates against it."""

import dataclasses

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import gating as lab
from mmplay.metrics import chance_accuracy
from mmplay.ui.cards import accuracy_cards, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import robust as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "gating",
    _("Gating: when not to fuse"),
    _(
        "A corrupted modality drags naive fusion below the clean one alone; a gate that checks disagreement "
        "and typicality does not."
    ),
    _("Corruption & gate"),
    {
        "corruption": _("Corruption of B at test time"),
        "kind": _("Kind of corruption"),
        "tau": _("Gate threshold τ"),
        "noise": _("Clean noise"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
)
config = page.config
labels = viz.gate_labels()
options = {k: labels[k] for k in ("naive", "rule_gate", "learned_gate", "entropy_gate")}
prediction = page.predict(
    "gating.predict", _("at the strongest noise on B, which of these stay within one point of A alone?"), options
)


def figures(run: lab.GatingRun, detail: bool = True) -> dict:
    sweep = lab.corruption_sweep(run, config)
    figs = {
        "curves": viz.accuracy_curves(
            lab.LEVELS,
            sweep,
            viz.gate_labels(),
            title=_("Accuracy vs corruption of B"),
            x_title=_("corruption level (1 = noise std 8)"),
        ),
        "open": line_chart(
            lab.LEVELS,
            {_("rule gate: fusion open"): sweep["open_rate"]},
            title=_("Gate open rate"),
            x_title=_("corruption level"),
            y_title=_("fraction fused"),
            y_range=[0, 1.02],
        ),
    }
    if detail:
        tradeoff = lab.tau_tradeoff(run, config)
        figs["js"] = viz.disagreement_histogram(lab.disagreement(run, config), config.tau)
        figs["tau"] = line_chart(
            tradeoff["tau"],
            {_("clean"): tradeoff["clean"], _("strongest corruption"): tradeoff["corrupted"]},
            title=_("τ's trade-off (rule gate)"),
            x_title="τ",
            y_title=_("accuracy"),
            y_range=[0, 1.02],
        )
    return figs


def render(run: lab.GatingRun) -> None:
    now = lab.evaluate_at(run, config)
    pending = untrained(run.trainer.steps_done, _("Whether naive fusion falls below the best single modality shows"))
    accuracy_cards(now, viz.gate_labels(), chance_accuracy(run.test.y), _("Test accuracy.") + " ", pending)
    if not pending:
        best = max(now["a_only"], now["b_only"])
        values = {
            "level": config.corruption,
            "kind": _(lab.KIND_NAMES[config.kind]),
            "naive": now["naive"],
            "best": best,
        }
        if now["naive"] < best:
            verdict = _(
                "At corruption {level:.2f} ({kind}): naive fusion is below the best single modality "
                "({naive:.1%} vs {best:.1%}).",
                **values,
            )
        else:
            verdict = _(
                "At corruption {level:.2f} ({kind}): naive fusion is not below the best single modality "
                "({naive:.1%} vs {best:.1%}).",
                **values,
            )
        st.caption(verdict)
    playing = page.playing()
    figs = figures(run, detail=not playing)
    left, right = st.columns([3, 2])
    left.plotly_chart(figs["curves"], key="gating.chart.curves")
    right.plotly_chart(figs["open"], key="gating.chart.open")
    if playing:
        st.caption(_("The disagreement histogram and τ's trade-off appear when you pause."))
        return
    left, right = st.columns(2)
    left.plotly_chart(figs["js"], key="gating.chart.js")
    right.plotly_chart(figs["tau"], key="gating.chart.tau")
    if prediction is not None and run.trainer.steps_done > 0:
        strongest = lab.evaluate_at(run, dataclasses.replace(config, corruption=1.0))
        keep = {k for k in options if strongest[k] >= strongest["a_only"] - 0.01}
        grade_prediction("gating.predict", prediction, keep, options)


page.train(render)
page.export(figures)
