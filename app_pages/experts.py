"""Experts lab page: PoE vs MoE, trained live (Play on top, for a projector), then the closed form behind it."""

import dataclasses

import streamlit as st

from mmplay.i18n import _
from mmplay.labs import experts as lab
from mmplay.train import history_rows
from mmplay.ui.cards import note, untrained
from mmplay.ui.expert_sliders import PARAM, expert_sliders, start_from_link
from mmplay.ui.lab_page import LabPage
from mmplay.ui.predict import grade_prediction
from mmplay.viz import experts as viz
from mmplay.viz.common import line_chart

page = LabPage.open(
    "experts",
    _("Product vs Mixture of Experts: sharpness vs calibration"),
    _(
        "PoE is sharper than every expert; MoE is at least as wide as the experts' average — wider than all of them "
        "once their means disagree."
    ),
    _("Sensors & experts"),
    {
        "bias": _("Sensor B bias (fraction of 4 units)"),
        "prior_correction": _("Divide the prior out of PoE"),
        "moe_weights": _("MoE weights"),
        "noise_a": _("Sensor A noise σ"),
        "noise_b": _("Sensor B noise σ"),
        "prior_std": _("Weight spread (prior σ)"),
        "hidden": _("Hidden units"),
        "lr": _("Learning rate"),
        "seed": _("Seed"),
    },
    page_keys=(PARAM,),
)
config = page.config
start_from_link(page.from_link)


@st.fragment
def analytic_playground() -> None:
    """Closed forms only: a slider here reruns this fragment alone, not the trained part below."""
    means, stds, weights = expert_sliders()
    result = lab.analytic(means, stds, weights)
    left, right = st.columns([3, 2])
    left.plotly_chart(viz.densities_figure(result), key="experts.densities")
    with right:
        expert_vars = [s**2 for s in stds]
        mean, variance = _("mean"), _("variance")
        expert_names = [_("expert {number}", number=k + 1) for k in range(len(means))]
        st.markdown(
            f"| | {mean} | {variance} |\n|---|---|---|\n"
            + "".join(f"| {name} | {m:.2f} | {v:.3f} |\n" for name, m, v in zip(expert_names, means, expert_vars))
            + f"| **PoE** | {result.poe[0]:.2f} | **{result.poe[1]:.3f}** |\n"
            + f"| **MoE** | {result.moe[0]:.2f} | **{result.moe[1]:.3f}** |\n"
        )
        st.caption(
            _(
                "MoE 90 % interval (exact mixture quantiles): [{low:.2f}, {high:.2f}]",
                low=result.moe_interval_90[0],
                high=result.moe_interval_90[1],
            )
        )
        st.success(
            _(
                "PoE variance {poe:.3f} < smallest expert variance {smallest:.3f}.",
                poe=result.poe[1],
                smallest=min(expert_vars),
            )
        )
        average = result.moe_within
        spread = result.moe[1] - average
        st.info(
            _(
                "Law of total variance: MoE variance = Σπσ² + Σπ(μ−μ̄)² = {average:.3f} + {spread:.3f} = {moe:.3f}. "
                "It is never below the experts' weighted average ({average:.3f}); where it falls against the "
                "experts depends on how far their means disagree.",
                average=average,
                spread=spread,
                moe=result.moe[1],
            )
        )
        if result.moe[1] > max(expert_vars):
            st.warning(
                _(
                    "The seed says MoE uncertainty lies *between* the experts. Here it is {moe:.3f} — above the "
                    "largest expert's {largest:.3f}: the means disagree enough that Σπ(μ−μ̄)² outweighs the gap.",
                    moe=result.moe[1],
                    largest=max(expert_vars),
                )
            )


options = {"poe": _("PoE (product)"), "moe": _("MoE (mixture)")}
prediction = page.predict(
    "experts.predict",
    _("at the largest bias, which fusion still covers ≥ 80 % of true weights with its 90 % interval?"),
    options,
)


def figures(run: lab.ExpertsRun, detail: bool = True) -> dict:
    """The loss curve always; the bias sweep, PIT and reliability only with ``detail`` (not while playing)."""
    rows = history_rows(run.trainer.history[1:])
    figs = {}
    if detail:
        biases, sweep = lab.bias_sweep(run, config)
        figs = viz.sweep_figures(sweep, biases)
        figs["pit"] = viz.pit_figure(lab.pit(run, config))
        figs["reliability"] = viz.reliability_figure(lab.NOMINAL_LEVELS, lab.reliability(run, config))
    labels = viz.method_labels()
    figs["loss"] = line_chart(
        [r["step"] for r in rows],
        {labels[k]: [r[f"loss.{k}"] for r in rows] for k in ("expert_a", "expert_b") if rows},
        title=_("Training loss (Gaussian NLL)"),
        x_title=_("step"),
        y_title="NLL",
        markers=False,
    )
    return figs


def render(run: lab.ExpertsRun) -> None:
    now = lab.scores(run, config)
    st.markdown(
        _(
            "**At bias {bias:.1f} units** (sensor B reads that much too heavy): the share of true weights inside "
            "each 90 % interval (calibrated: 90 %)",
            bias=config.bias * lab.MAX_BIAS,
        )
    )
    cards, labels = st.columns(4), viz.method_labels()
    for card, method in zip(cards, lab.METHODS):
        card.metric(labels[method], f"{now['coverage_90'][method]:.1%}", help=_("coverage of the 90 % interval"))
        card.caption(_("NLL {nll:.2f} · width {width:.2f}", nll=now["nll"][method], width=now["width"][method]))
    note(untrained(run.trainer.steps_done, _("Which fusion stays calibrated as B's bias grows shows")))
    playing = page.playing()
    figs = figures(run, detail=not playing)
    if playing:
        st.plotly_chart(figs["loss"], key="experts.loss")
        st.caption(_("The bias sweep, the PIT histogram and the reliability diagram appear when you pause."))
        return
    row1 = st.columns(3)
    for col, name in zip(row1, ("coverage", "nll", "width")):
        col.plotly_chart(figs[name], key=f"experts.{name}")
    row2 = st.columns(3)
    row2[2].plotly_chart(figs["pit"], key="experts.chart.pit")
    row2[0].plotly_chart(figs["reliability"], key="experts.reliability")
    row2[1].plotly_chart(figs["loss"], key="experts.loss")
    if prediction is not None and run.trainer.steps_done > 0:
        worst = lab.scores(run, dataclasses.replace(config, bias=1.0))["coverage_90"]
        grade_prediction("experts.predict", prediction, {m for m in options if worst[m] >= 0.8}, options)


page.train(render)
st.header(_("Behind it: two to four Gaussian experts, in closed form"))
analytic_playground()
page.export(figures)
