"""Missing-modalities lab page: imputation strategies vs modality-dropout training."""

import dataclasses

import streamlit as st

from mmplay.labs import missing as lab
from mmplay.train import history_rows
from mmplay.ui.controls import sidebar_config
from mmplay.ui.export import export_button, export_zip
from mmplay.ui.live import live_state, training_panel
from mmplay.ui.page import lab_header
from mmplay.ui.predict import grade_prediction, predict_first
from mmplay.viz import robust as viz
from mmplay.viz.common import line_chart

lab_header(
    "missing",
    "Missing modalities: impute, or train for it?",
    "Zero-filling breaks a model; conditional imputation and modality dropout both hold up.",
)
config = sidebar_config(
    lab.Config,
    "Missing data",
    {
        "rate": "Missing rate at test time",
        "missing": "Which modality goes missing",
        "q": "Dropout q (training)",
        "shared_std": "Shared latent spread",
        "offset": "Feature mean",
        "lr": "Learning rate",
        "seed": "Seed",
    },
    key="missing",
)
state = live_state("missing.run", dataclasses.replace(config, rate=0.5, missing="b"), lab.build)
options = {k: viz.MISSING_LABELS[k] for k in ("zero_fill", "mean_fill", "conditional", "dropout")}
prediction = predict_first(
    "missing.predict", "when modality B is always missing, which strategies stay within one point of the best?", options
)


def figures(run: lab.MissingRun, sweeps: tuple[str, ...] = ("a", "b", "either")) -> dict:
    which = "b" if config.missing == "either" else config.missing
    figs = {
        f"curves_{m}": viz.accuracy_curves(
            lab.RATES,
            lab.rate_sweep(run, m),
            viz.MISSING_LABELS,
            title=f"Accuracy vs missing rate — {m.upper() if m != 'either' else 'A or B'} missing",
            x_title="missing rate",
        )
        for m in sweeps
    }
    figs["imputed"] = viz.imputation_scatter(lab.imputation_sample(run, which))
    return figs


def render(run: lab.MissingRun) -> None:
    now = lab.accuracies(run, config.rate, config.missing)
    cards = st.columns(len(viz.MISSING_LABELS))
    for card, (key, label) in zip(cards, viz.MISSING_LABELS.items()):
        card.metric(label, f"{now[key]:.1%}")
    sweeps = (config.missing,) if st.session_state["missing.run"].playing else ("a", "b", "either")
    figs = figures(run, sweeps)
    row = st.columns(3)
    for col, m in zip(row, sweeps):
        col.plotly_chart(figs[f"curves_{m}"], key=f"missing.chart.curves.{m}")
    st.plotly_chart(figs["imputed"], key="missing.chart.imputed")
    if prediction is not None and run.trainer.steps_done > 0:
        worst = lab.accuracies(run, 1.0, "b")
        best = max(worst.values())
        grade_prediction("missing.predict", prediction, {k for k in options if worst[k] >= best - 0.01}, options)


training_panel("missing.run", state, lab.build, render, max_steps=3000, default_speed=50)

st.subheader("What does dropout cost on complete data?")


@st.cache_data(show_spinner=False, max_entries=8)
def cached_q_sweep(config: lab.Config) -> dict:
    return lab.dropout_q_sweep(config)


if st.button("Train five dropout models, q = 0 … 0.7 (≈ 20 s)", key="missing.qsweep"):
    with st.spinner("Training…"):
        sweep = cached_q_sweep(dataclasses.replace(config, rate=0.5, missing="b"))
    st.plotly_chart(
        line_chart(
            sweep["q"],
            {"complete data": sweep["complete"], "B always missing": sweep["b_missing"]},
            title="Modality dropout q: complete vs missing",
            x_title="q",
            y_title="accuracy",
            y_range=[0, 1.02],
        ),
        key="missing.q",
    )
export_button(
    "missing",
    lambda: export_zip("missing", config, history_rows(state.run.trainer.history), figures(state.run)),
    key="missing.export",
)
