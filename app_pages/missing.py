"""Missing-modalities lab page: imputation strategies vs modality-dropout training."""

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import missing as lab
from mmplay.metrics import chance_accuracy
from mmplay.ui.cards import accuracy_cards, untrained
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import robust as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "missing",
    _("Missing modalities: impute, or train for it?"),
    _("Zero-filling breaks a model; conditional imputation and modality dropout both hold up."),
    _("Missing data"),
    {
        "rate": _("Missing rate at test time"),
        "missing": _("Which modality goes missing"),
        "q": _("Dropout q (training)"),
        "shared_std": _("Shared latent spread"),
        "offset": _("Feature mean"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
)
config = page.config
labels = viz.missing_labels()
options = {k: labels[k] for k in ("zero_fill", "mean_fill", "conditional", "dropout")}
prediction = page.predict(
    "missing.predict",
    _("when modality B is always missing, which strategies stay within one point of the best?"),
    options,
)


def figures(run: lab.MissingRun, sweeps: tuple[str, ...] = ("a", "b", "either")) -> dict:
    which = "b" if config.missing == "either" else config.missing
    figs = {
        f"curves_{m}": viz.accuracy_curves(
            lab.RATES,
            lab.rate_sweep(run, m),
            viz.missing_labels(),
            title=_(
                "Accuracy vs missing rate — {modality} missing", modality=_("A or B") if m == "either" else m.upper()
            ),
            x_title=_("missing rate"),
        )
        for m in sweeps
    }
    figs["imputed"] = viz.imputation_scatter(lab.imputation_sample(run, which))
    return figs


def render(run: lab.MissingRun) -> None:
    now = lab.accuracies(run, config.rate, config.missing)
    pending = untrained(run.trainer.steps_done, _("How each strategy copes with a missing modality shows"))
    before = _("Test accuracy at missing rate {rate:.2f}.", rate=config.rate) + " "
    accuracy_cards(now, viz.missing_labels(), chance_accuracy(run.test.y), before, pending)
    sweeps = (config.missing,) if page.playing() else ("a", "b", "either")
    figs = figures(run, sweeps)
    row = st.columns(3)
    for col, m in zip(row, sweeps):
        col.plotly_chart(figs[f"curves_{m}"], key=f"missing.chart.curves.{m}")
    st.plotly_chart(figs["imputed"], key="missing.chart.imputed")
    if prediction is not None and run.trainer.steps_done > 0:
        worst = lab.accuracies(run, 1.0, "b")
        best = max(worst.values())
        grade_prediction("missing.predict", prediction, {k for k in options if worst[k] >= best - 0.01}, options)


page.train(render)

st.subheader(_("What does dropout cost on complete data?"))
sweep = page.extra("q_sweep")
if sweep is not None:
    st.plotly_chart(
        line_chart(
            sweep["q"],
            {_("complete data"): sweep["complete"], _("B always missing"): sweep["b_missing"]},
            title=_("Modality dropout q: complete vs missing"),
            x_title="q",
            y_title=_("accuracy"),
            y_range=[0, 1.02],
        ),
        key="missing.chart.q_sweep",
    )
page.export(figures)
