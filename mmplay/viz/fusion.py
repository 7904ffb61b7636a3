"""Figures of the fusion lab: fused vs Bayes posteriors, reliability, the sequence sweep, attention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.colors
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.common import diagonal, line_chart
from mmplay.viz.figure import figure
from mmplay.viz.style import axis_title, layout

PREDICTOR_LABELS = {  # English; shown through predictor_labels()
    "a_only": N_("A only"),
    "b_only": N_("B only"),
    "sum_corrected": "ℓA + ℓB − logit π",
    "sum_uncorrected": N_("ℓA + ℓB (prior twice)"),
    "joint": N_("LR on [xA, xB]"),
    "bayes": N_("exact Bayes"),
}
VIRIDIS = [[i / (len(plotly.colors.sequential.Viridis) - 1), c] for i, c in enumerate(plotly.colors.sequential.Viridis)]
SEQ_LABELS = {"concat": N_("concat-MLP"), "mean_pool": N_("mean-pool MLP"), "attention": N_("cross-attention")}


def predictor_labels() -> dict[str, str]:
    """The six predictors' names, in the current language."""
    return {name: _(label) for name, label in PREDICTOR_LABELS.items()}


def seq_labels() -> dict[str, str]:
    """The three sequence models' names, in the current language."""
    return {name: _(label) for name, label in SEQ_LABELS.items()}


def posterior_scatter(pairs: Mapping[str, Sequence[float]]) -> go.Figure:
    """Fused posteriors against the exact Bayes posterior; the diagonal is perfect agreement."""
    labels = predictor_labels()
    traces = [
        {
            "type": "scatter",
            "x": pairs["bayes"],
            "y": pairs[name],
            "mode": "markers",
            "name": labels[name],
            "marker": {"size": 4, "opacity": 0.6},
        }
        for name in ("sum_corrected", "sum_uncorrected", "joint")
    ]
    traces.append(diagonal(_("diagonal")))
    extra = {
        "xaxis": {**axis_title(_("exact Bayes P(y=1 | xA, xB)")), "range": [0, 1]},
        "yaxis": {**axis_title(_("fused P(y=1)")), "range": [0, 1]},
    }
    return figure(traces, layout(title=_("Fused vs Bayes posterior"), height=400, extra=extra))


def reliability_figure(tables: Mapping[str, Mapping[str, Sequence[float]]]) -> go.Figure:
    """Mean predicted probability vs observed frequency per bin (empty bins dropped)."""
    traces, labels = [], predictor_labels()
    for name in ("sum_corrected", "sum_uncorrected", "joint", "bayes"):
        table = tables[name]
        keep = [i for i, n in enumerate(table["count"]) if n > 0]
        traces.append(
            {
                "type": "scatter",
                "x": [table["confidence"][i] for i in keep],
                "y": [table["frequency"][i] for i in keep],
                "mode": "lines+markers",
                "name": labels[name],
            }
        )
    traces.append(diagonal(_("calibrated")))
    extra = {
        "xaxis": {**axis_title(_("predicted P(y=1)")), "range": [0, 1]},
        "yaxis": {**axis_title(_("observed frequency")), "range": [0, 1]},
    }
    return figure(traces, layout(title=_("Reliability diagram"), height=400, extra=extra))


def sweep_figures(sweep: Mapping[str, Mapping]) -> dict[str, go.Figure]:
    """Accuracy, parameters and FLOPs per example against sequence length T."""
    lengths = [int(t) for t in sweep]
    labels, frames = seq_labels(), _("frames T")
    series = lambda key: {labels[m]: [sweep[str(t)][key][m] for t in lengths] for m in labels}  # noqa: E731
    return {
        "accuracy": line_chart(
            lengths,
            series("accuracy"),
            title=_("Test accuracy vs sequence length"),
            x_title=frames,
            y_title=_("accuracy"),
            y_range=[0, 1.02],
            reference=0.25,
        ),
        "params": line_chart(
            lengths, series("params"), title=_("Parameters"), x_title=frames, y_title=_("parameters"), log_y=True
        ),
        "flops": line_chart(
            lengths, series("flops"), title=_("FLOPs per example"), x_title=frames, y_title="FLOPs", log_y=True
        ),
    }


def attention_heatmap(weights: Sequence[Sequence[float]], targets: Sequence[int]) -> go.Figure:
    """Attention of a few test questions over the frames; ✕ marks the frame that holds the answer."""
    traces = [
        {
            "type": "heatmap",
            "z": weights,
            "colorscale": VIRIDIS,  # expanded, as Plotly's validation expands "Viridis"
            "zmin": 0,
            "zmax": 1,
            "colorbar": {"title": {"text": "α"}},
        },
        {
            "type": "scatter",
            "x": list(targets),
            "y": list(range(len(targets))),
            "mode": "markers",
            "name": _("relevant frame"),
            "marker": {"symbol": "x-thin", "size": 12, "line": {"width": 2, "color": "red"}},
        },
    ]
    extra = {"xaxis": axis_title(_("frame t")), "yaxis": {**axis_title(_("test example")), "autorange": "reversed"}}
    return figure(traces, layout(title=_("Where the question looks (attention weights)"), height=320, extra=extra))
