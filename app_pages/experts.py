"""Experts lab page: PoE vs MoE, trained live (Play on top, for a projector), then the closed form behind it."""

import dataclasses

import streamlit as st

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
    "Product vs Mixture of Experts: sharpness vs calibration",
    "PoE is sharper than every expert; MoE is at least as wide as the experts' average — wider than all of them "
    "once their means disagree.",
    "Sensors & experts",
    {
        "bias": "Sensor B bias (fraction of 4 units)",
        "prior_correction": "Divide the prior out of PoE",
        "moe_weights": "MoE weights",
        "noise_a": "Sensor A noise σ",
        "noise_b": "Sensor B noise σ",
        "prior_std": "Weight spread (prior σ)",
        "hidden": "Hidden units",
        "lr": "Learning rate",
        "seed": "Seed",
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
        st.markdown(
            "| | mean | variance |\n|---|---|---|\n"
            + "".join(f"| expert {k + 1} | {m:.2f} | {v:.3f} |\n" for k, (m, v) in enumerate(zip(means, expert_vars)))
            + f"| **PoE** | {result.poe[0]:.2f} | **{result.poe[1]:.3f}** |\n"
            + f"| **MoE** | {result.moe[0]:.2f} | **{result.moe[1]:.3f}** |\n"
        )
        st.caption(
            f"MoE 90 % interval (exact mixture quantiles): [{result.moe_interval_90[0]:.2f}, "
            f"{result.moe_interval_90[1]:.2f}]"
        )
        st.success(f"PoE variance {result.poe[1]:.3f} < smallest expert variance {min(expert_vars):.3f}.")
        average = result.moe_within
        spread = result.moe[1] - average
        st.info(
            f"Law of total variance: MoE variance = Σπσ² + Σπ(μ−μ̄)² = {average:.3f} + {spread:.3f} = "
            f"{result.moe[1]:.3f}. It is never below the experts' weighted average ({average:.3f}); "
            "where it falls against the experts depends on how far their means disagree."
        )
        if result.moe[1] > max(expert_vars):
            st.warning(
                f"The seed says MoE uncertainty lies *between* the experts. Here it is {result.moe[1]:.3f} — "
                f"above the largest expert's {max(expert_vars):.3f}: the means disagree enough that Σπ(μ−μ̄)² "
                "outweighs the gap."
            )


options = {"poe": "PoE (product)", "moe": "MoE (mixture)"}
prediction = page.predict(
    "experts.predict",
    "at the largest bias, which fusion still covers ≥ 80 % of true weights with its 90 % interval?",
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
    figs["loss"] = line_chart(
        [r["step"] for r in rows],
        {k: [r[f"loss.{k}"] for r in rows] for k in ("expert_a", "expert_b") if rows},
        title="Training loss (Gaussian NLL)",
        x_title="step",
        y_title="NLL",
        markers=False,
    )
    return figs


def render(run: lab.ExpertsRun) -> None:
    now = lab.scores(run, config)
    st.markdown(
        f"**At bias {config.bias * lab.MAX_BIAS:.1f} units** (sensor B reads that much too heavy): the share of "
        "true weights inside each 90 % interval (calibrated: 90 %)"
    )
    cards = st.columns(4)
    for card, method in zip(cards, lab.METHODS):
        card.metric(
            viz.METHOD_LABELS[method], f"{now['coverage_90'][method]:.1%}", help="coverage of the 90 % interval"
        )
        card.caption(f"NLL {now['nll'][method]:.2f} · width {now['width'][method]:.2f}")
    note(untrained(run.trainer.steps_done, "Which fusion stays calibrated as B's bias grows shows"))
    playing = page.playing()
    figs = figures(run, detail=not playing)
    if playing:
        st.plotly_chart(figs["loss"], key="experts.loss")
        st.caption("The bias sweep, the PIT histogram and the reliability diagram appear when you pause.")
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
st.header("Behind it: two to four Gaussian experts, in closed form")
analytic_playground()
page.export(figures)
