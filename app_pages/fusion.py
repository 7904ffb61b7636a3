"""Fusion lab page: logit addition vs Bayes (live), attention vs concatenation (sweep)."""

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import fusion as lab
from mmplay.ui.cards import card_row, chance_caption, chart_row, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import fusion as viz

page = LabPage.open(
    "fusion",
    _("Fusion: adding logits, and attention vs concatenation"),
    _("Under conditional independence, ℓA + ℓB − logit π is the Bayes posterior; attention scales with length."),
    _("Part 1 · two Gaussian modalities"),
    {
        "rho": _("Noise correlation ρ"),
        "prior": _("Prior π = P(y=1)"),
        "separation": _("Class separation"),
        "dim": _("Features per modality"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
)
config = page.config

st.header(_("Part 1 · Evidence adds in log-odds"))
options = {"sum_corrected": "ℓA + ℓB − logit π", "joint": _("LR on [xA, xB]")}
prediction = page.predict(
    "fusion.predict",
    _("at ρ = {rho:.2f}, which fused predictor will be calibrated (ECE < 0.02)?", rho=config.rho),
    options,
)


def figures(run: lab.LogitRun) -> dict:
    return {
        "posterior": viz.posterior_scatter(lab.posterior_pairs(run)),
        "reliability": viz.reliability_figure(lab.reliability_tables(run)),
    }


def render(run: lab.LogitRun) -> None:
    m = lab.logit_metrics(run)
    cards = card_row()
    cards.metric(_("mean |p_fused − p_Bayes|"), f"{m['logits.mae_vs_bayes']:.4f}", help=_("prior-corrected sum"))
    cards.metric(_("… without the prior correction"), f"{m['logits.mae_vs_bayes_uncorrected']:.4f}")
    cards.metric(_("ECE of the corrected sum"), f"{m['ece.sum_corrected']:.4f}")
    cards.metric(_("accuracy of the corrected sum"), f"{m['accuracy.sum_corrected']:.1%}")
    pending = untrained(
        run.trainer.steps_done, _("How close the summed logits come to the exact Bayes posterior shows")
    )
    chance_caption(m["chance.accuracy"], after=pending)
    figs = figures(run)
    chart_row({"fusion.posterior": figs["posterior"], "fusion.reliability": figs["reliability"]})
    predictor, accuracy = _("predictor"), _("accuracy")
    st.markdown(
        f"| {predictor} | {accuracy} | ECE | NLL |\n|---|---|---|---|\n"
        + "".join(
            f"| {label} | {m[f'accuracy.{k}']:.1%} | {m[f'ece.{k}']:.4f} | {m[f'nll.{k}']:.4f} |\n"
            for k, label in viz.predictor_labels().items()
        )
    )
    if prediction is not None and run.trainer.steps_done > 0:
        grade_prediction("fusion.predict", prediction, {k for k in options if m[f"ece.{k}"] < 0.02}, options)


page.train(render)

st.header(_("Part 2 · Attention vs concatenation on sequences"))
st.markdown(
    _(
        "A *video* of T frames and a *question* naming one frame; the answer is that frame's attribute (4 classes). "
        "Each model gets the same budget: {steps} steps of Adam, batch 128, {sequences} training sequences per "
        "length.",
        steps=config.seq_steps,
        sequences=config.seq_train,
    )
)
sweep = page.extra("sweep")
if sweep is not None:
    longest = sweep[str(lab.LENGTHS[-1])]
    cols = st.columns(3)
    labels = viz.seq_labels()
    for col, name in zip(cols, lab.SEQ_MODELS):
        col.metric(
            f"{labels[name]} @ T = {lab.LENGTHS[-1]}",
            f"{longest['accuracy'][name]:.1%}",
            help=_("{count:,} parameters", count=longest["params"][name]),
        )
    chance_caption(
        longest["chance"],
        _(
            "Attention peak on the relevant frame at T = {length}: {hit:.1%}. ",
            length=lab.LENGTHS[-1],
            hit=longest["attention_peak_hit"],
        ),
    )
    figs = viz.sweep_figures(sweep)
    row = st.columns(3)
    for col, name in zip(row, ("accuracy", "params", "flops")):
        col.plotly_chart(figs[name], key=f"fusion.seq.{name}")
    st.plotly_chart(
        viz.attention_heatmap(longest["attention_examples"], longest["attention_targets"]), key="fusion.attention"
    )

page.export(figures)
