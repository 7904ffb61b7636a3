"""Contrastive lab page: train two encoders into one space, then measure label efficiency."""

import streamlit as st

from mmplay.labs import contrastive as lab
from mmplay.train import history_rows
from mmplay.ui.controls import sidebar_config
from mmplay.ui.export import export_button, export_zip
from mmplay.ui.live import live_state, training_panel
from mmplay.ui.page import lab_header
from mmplay.ui.predict import grade_prediction, predict_first
from mmplay.ui.runtime import start_umap_warm_up
from mmplay.viz import contrastive as viz
from mmplay.viz.common import line_chart

lab_header(
    "contrastive",
    "Contrastive alignment: one space for two modalities",
    "InfoNCE pulls each item's two views together — and makes a handful of labels go a long way.",
)
start_umap_warm_up()
config = sidebar_config(
    lab.Config,
    "Objective & data",
    {
        "preset": "Data",
        "loss": "Loss",
        "temperature": "Temperature τ",
        "learn_temperature": "Learn τ",
        "margin": "Triplet margin",
        "mining": "Negative mining",
        "batch": "Batch size",
        "emb_dim": "Embedding width",
        "lr": "Learning rate",
        "concepts": "Concepts K",
        "noise": "Sensor noise",
        "gain": "Sensor nonlinearity",
        "nuisance": "Private nuisance",
        "seed": "Seed",
    },
    key="contrastive",
)
state = live_state("contrastive.run", config, lab.build)
options = {"yes": "a probe trained on A's embeddings will classify B's"}
prediction = predict_first("contrastive.predict", "after training, will the two modalities share one space?", options)


def figures(run: lab.ContrastiveRun) -> dict:
    rows = history_rows(run.trainer.history)
    steps = [r["step"] for r in rows]
    loss_rows = [r for r in rows if any(k.startswith("loss.") for k in r)]
    loss_key = next((k for k in (loss_rows[-1] if loss_rows else {}) if k.startswith("loss.")), None)
    return {
        "recall": line_chart(
            steps,
            {"A → B": [r["recall_at_1.a_to_b"] for r in rows], "B → A": [r["recall_at_1.b_to_a"] for r in rows]},
            title="Retrieval recall@1 on 1,000 held-out pairs",
            x_title="step",
            y_title="recall@1",
            markers=False,
        ),
        "loss": line_chart(
            [r["step"] for r in loss_rows],
            {config.loss: [r[loss_key] for r in loss_rows]} if loss_key else {},
            title="Training loss",
            x_title="step",
            y_title="loss",
            markers=False,
        ),
        "au": line_chart(
            steps,
            {"alignment (↓)": [r["alignment"] for r in rows], "uniformity (↓)": [r["uniformity"] for r in rows]},
            title="Wang & Isola: alignment and uniformity",
            x_title="step",
            y_title="value",
            markers=False,
        ),
        "embedding": viz.embedding_figure(lab.joint_embedding(run)),
        "similarity": viz.similarity_figure(lab.similarity_matrix(run)),
    }


def render(run: lab.ContrastiveRun) -> None:
    now, first = run.trainer.history[-1].metrics, run.trainer.history[0].metrics
    cards = st.columns(4)
    for card, key in zip(cards[:2], ("a_to_b", "b_to_a")):
        card.metric(
            f"recall@1 {key.replace('_to_', ' → ').upper()}",
            f"{now[f'recall_at_1.{key}']:.1%}",
            f"{now[f'recall_at_1.{key}'] - first[f'recall_at_1.{key}']:+.1%} since step 0",
        )
    cards[2].metric("recall@5 A → B", f"{now['recall_at_5.a_to_b']:.1%}")
    cards[3].metric("temperature τ", f"{now['temperature']:.3f}")
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["embedding"], key="contrastive.chart.embedding")
    right.plotly_chart(figs["similarity"], key="contrastive.chart.similarity")
    row = st.columns(3)
    for col, name in zip(row, ("recall", "loss", "au")):
        col.plotly_chart(figs[name], key=f"contrastive.chart.{name}")


training_panel("contrastive.run", state, lab.build, render, max_steps=3000, default_speed=20)

if st.button("Show the joint embedding in UMAP (a second or two)", key="contrastive.umap"):
    with st.spinner("Running UMAP…"):
        st.plotly_chart(
            viz.embedding_figure(lab.joint_embedding(state.run, method="umap"), "UMAP"), key="contrastive.chart.umap"
        )

st.subheader("Label efficiency: how far do a few labels go?")
st.caption(
    "Linear probes on modality A with n labels per concept, averaged over 5 random draws of the labelled items "
    "(error bars: one std). Uses the encoders as they are now — train first."
)
if st.button("Run the label-efficiency experiment (≈ 10 s)", key="contrastive.efficiency"):
    with st.spinner("Fitting 75 probes…"):
        st.session_state["contrastive.efficiency.result"] = (
            state.run.trainer.steps_done,
            lab.label_efficiency(state.run),
            lab.cross_modal_transfer(state.run),
        )
result = st.session_state.get("contrastive.efficiency.result")
if result is not None:
    at_step, table, transfer = result
    st.plotly_chart(viz.efficiency_figure(table, 1 / lab.concept_count(state.run)), key="contrastive.chart.efficiency")
    cols = st.columns(2)
    cols[0].metric("cross-modal transfer, untrained", f"{transfer['untrained']:.1%}", help="probe on A, tested on B")
    cols[1].metric("cross-modal transfer, trained", f"{transfer['trained']:.1%}", help="probe on A, tested on B")
    st.caption(f"Computed at step {at_step}. Chance = {1 / lab.concept_count(state.run):.0%}.")
    if prediction is not None:
        grade_prediction("contrastive.predict", prediction, {"yes"} if transfer["trained"] >= 0.8 else set(), options)
export_button(
    "contrastive",
    lambda: export_zip("contrastive", config, history_rows(state.run.trainer.history), figures(state.run)),
    key="contrastive.export",
)
