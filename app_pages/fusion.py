"""Fusion lab page: logit addition vs Bayes (live), attention vs concatenation (sweep)."""

import streamlit as st

from mmplay.labs import fusion as lab
from mmplay.ui.cards import chance_caption, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import fusion as viz

page = LabPage.open(
    "fusion",
    "Fusion: adding logits, and attention vs concatenation",
    "Under conditional independence, ℓA + ℓB − logit π is the Bayes posterior; attention scales with length.",
    "Part 1 · two Gaussian modalities",
    {
        "rho": "Noise correlation ρ",
        "prior": "Prior π = P(y=1)",
        "separation": "Class separation",
        "dim": "Features per modality",
        "lr": "Learning rate",
        "seed": "Seed",
    },
)
config = page.config

st.header("Part 1 · Evidence adds in log-odds")
options = {"sum_corrected": "ℓA + ℓB − logit π", "joint": "LR on [xA, xB]"}
prediction = page.predict(
    "fusion.predict", f"at ρ = {config.rho:.2f}, which fused predictor will be calibrated (ECE < 0.02)?", options
)


def figures(run: lab.LogitRun) -> dict:
    return {
        "posterior": viz.posterior_scatter(lab.posterior_pairs(run)),
        "reliability": viz.reliability_figure(lab.reliability_tables(run)),
    }


def render(run: lab.LogitRun) -> None:
    m = lab.logit_metrics(run)
    cards = st.columns(4)
    cards[0].metric("mean |p_fused − p_Bayes|", f"{m['logits.mae_vs_bayes']:.4f}", help="prior-corrected sum")
    cards[1].metric("… without the prior correction", f"{m['logits.mae_vs_bayes_uncorrected']:.4f}")
    cards[2].metric("ECE of the corrected sum", f"{m['ece.sum_corrected']:.4f}")
    cards[3].metric("accuracy of the corrected sum", f"{m['accuracy.sum_corrected']:.1%}")
    pending = untrained(run.trainer.steps_done, "How close the summed logits come to the exact Bayes posterior shows")
    chance_caption(m["chance.accuracy"], after=pending)
    figs = figures(run)
    left, right = st.columns(2)
    left.plotly_chart(figs["posterior"], key="fusion.posterior")
    right.plotly_chart(figs["reliability"], key="fusion.reliability")
    st.markdown(
        "| predictor | accuracy | ECE | NLL |\n|---|---|---|---|\n"
        + "".join(
            f"| {label} | {m[f'accuracy.{k}']:.1%} | {m[f'ece.{k}']:.4f} | {m[f'nll.{k}']:.4f} |\n"
            for k, label in viz.PREDICTOR_LABELS.items()
        )
    )
    if prediction is not None and run.trainer.steps_done > 0:
        grade_prediction("fusion.predict", prediction, {k for k in options if m[f"ece.{k}"] < 0.02}, options)


page.train(render)

st.header("Part 2 · Attention vs concatenation on sequences")
st.markdown(
    "A *video* of T frames and a *question* naming one frame; the answer is that frame's attribute (4 classes). "
    "Each model gets the same budget: "
    f"{config.seq_steps} steps of Adam, batch 128, {config.seq_train} training sequences per length."
)
sweep = page.extra("sweep")
if sweep is not None:
    longest = sweep[str(lab.LENGTHS[-1])]
    cols = st.columns(3)
    for col, name in zip(cols, lab.SEQ_MODELS):
        col.metric(
            f"{viz.SEQ_LABELS[name]} @ T = {lab.LENGTHS[-1]}",
            f"{longest['accuracy'][name]:.1%}",
            help=f"{longest['params'][name]:,} parameters",
        )
    chance_caption(
        longest["chance"],
        f"Attention peak on the relevant frame at T = {lab.LENGTHS[-1]}: {longest['attention_peak_hit']:.1%}. ",
    )
    figs = viz.sweep_figures(sweep)
    row = st.columns(3)
    for col, name in zip(row, ("accuracy", "params", "flops")):
        col.plotly_chart(figs[name], key=f"fusion.seq.{name}")
    st.plotly_chart(
        viz.attention_heatmap(longest["attention_examples"], longest["attention_targets"]), key="fusion.attention"
    )

page.export(figures)
