"""Contrastive lab page: train two encoders into one space, then measure label efficiency."""

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import contrastive as lab
from mmplay.train import history_rows
from mmplay.ui.cards import card_row, chart_row, percent, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.ui.runtime import start_umap_warm_up
from mmplay.viz import contrastive as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "contrastive",
    _("Contrastive alignment: one space for two modalities"),
    _("InfoNCE pulls each item's two views together — and makes a handful of labels go a long way."),
    _("Objective & data"),
    {
        "preset": _("Data"),
        "loss": _("Loss"),
        "temperature": _("Temperature τ"),
        "learn_temperature": _("Learn τ"),
        "margin": _("Triplet margin"),
        "mining": _("Negative mining"),
        "batch": _("Batch size"),
        "emb_dim": _("Embedding width"),
        "lr": _("Learning rate"),
        "concepts": _("Concepts K"),
        "noise": _("Sensor noise"),
        "gain": _("Sensor nonlinearity"),
        "nuisance": _("Private nuisance"),
        "seed": _("Seed"),
    },
)
start_umap_warm_up()
config, state = page.config, page.state
options = {"yes": _("a probe trained on A's embeddings will classify B's")}
prediction = page.predict("contrastive.predict", _("after training, will the two modalities share one space?"), options)


def figures(run: lab.ContrastiveRun) -> dict:
    rows = history_rows(run.trainer.history)
    steps = [r["step"] for r in rows]
    loss_rows = [r for r in rows if any(k.startswith("loss.") for k in r)]
    loss_key = next((k for k in (loss_rows[-1] if loss_rows else {}) if k.startswith("loss.")), None)
    return {
        "recall": line_chart(
            steps,
            {"A → B": [r["recall_at_1.a_to_b"] for r in rows], "B → A": [r["recall_at_1.b_to_a"] for r in rows]},
            title=_("Retrieval recall@1 on {pairs:,} held-out pairs", pairs=len(run.test.concept)),
            x_title=_("step"),
            y_title=_("recall@1"),
            markers=False,
        ),
        "loss": line_chart(
            [r["step"] for r in loss_rows],
            {_(lab.LOSS_NAMES[config.loss]): [r[loss_key] for r in loss_rows]} if loss_key else {},
            title=_("Training loss"),
            x_title=_("step"),
            y_title=_("loss"),
            markers=False,
        ),
        "au": line_chart(
            steps,
            {
                _("alignment (↓)"): [r["alignment"] for r in rows],
                _("uniformity (↓)"): [r["uniformity"] for r in rows],
            },
            title=_("Wang & Isola: alignment and uniformity"),
            x_title=_("step"),
            y_title=_("value"),
            markers=False,
        ),
        "embedding": viz.embedding_figure(lab.joint_embedding(run)),
        "similarity": viz.similarity_figure(lab.similarity_matrix(run)),
    }


def render(run: lab.ContrastiveRun) -> None:
    now, first = run.trainer.history[-1].metrics, run.trainer.history[0].metrics
    levels = lab.metrics(run, config)  # its chance.recall_at_k: k / held-out pairs
    cards = card_row()
    for key in ("a_to_b", "b_to_a"):
        gain = now[f"recall_at_1.{key}"] - first[f"recall_at_1.{key}"]
        cards.metric(
            _("recall@1 {direction}", direction=key.replace("_to_", " → ").upper()),
            percent(now[f"recall_at_1.{key}"]),
            _("{gain:+.1%} since step 0", gain=gain) if run.trainer.steps_done else None,
        )
    cards.metric(_("recall@5 {direction}", direction="A → B"), percent(now["recall_at_5.a_to_b"]))
    cards.metric(_("temperature τ"), f"{now['temperature']:.3f}")
    chance = _(
        "Recall@k: the true partner is among the k nearest of {items:,} held-out items. "
        "Chance level: **{chance_1}** at k = 1, **{chance_5}** at k = 5 (k random picks).",
        items=len(run.test.concept),
        chance_1=percent(levels["chance.recall_at_1"]),
        chance_5=percent(levels["chance.recall_at_5"]),
    )
    pending = untrained(run.trainer.steps_done, _("Matched pairs pulling together in the embedding shows"))
    st.caption(f"{chance} {pending}".strip())
    figs = figures(run)
    chart_row({f"contrastive.chart.{name}": figs[name] for name in ("embedding", "similarity")})
    chart_row({f"contrastive.chart.{name}": figs[name] for name in ("recall", "loss", "au")})


page.train(render)

if st.button(_("Show the joint embedding in UMAP (a second or two)"), key="contrastive.umap"):
    with st.spinner(_("Running UMAP…")):
        st.plotly_chart(
            viz.embedding_figure(lab.joint_embedding(state.run, method="umap"), "UMAP"), key="contrastive.chart.umap"
        )

st.subheader(_("Label efficiency: how far do a few labels go?"))
st.caption(
    _(
        "Linear probes on modality A with n labels per concept, averaged over 5 random draws of the labelled items "
        "(error bars: one std). Uses the encoders as they are now — train first."
    )
)
result = page.extra("probes")
if result is not None:
    chance = 1 / lab.concept_count(state.run)
    transfer = result["transfer"]
    st.plotly_chart(viz.efficiency_figure(result["table"], chance), key="contrastive.chart.efficiency")
    cols = st.columns(2)
    probe_help = _("probe on A, tested on B")
    cols[0].metric(_("cross-modal transfer, untrained"), f"{transfer['untrained']:.1%}", help=probe_help)
    cols[1].metric(_("cross-modal transfer, trained"), f"{transfer['trained']:.1%}", help=probe_help)
    st.caption(_("Computed at step {step}. Chance = {chance:.0%}.", step=state.run.trainer.steps_done, chance=chance))
    if prediction is not None:
        grade_prediction("contrastive.predict", prediction, {"yes"} if transfer["trained"] >= 0.8 else set(), options)
page.export(figures)
