"""Figures of the fusion lab: fused vs Bayes posteriors, reliability, the sequence sweep, attention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.colors
import plotly.graph_objects as go

from mmplay.viz.common import diagonal, line_chart
from mmplay.viz.figure import figure
from mmplay.viz.style import axis_title, layout

PREDICTOR_LABELS = {
    "a_only": "A only",
    "b_only": "B only",
    "sum_corrected": "ℓA + ℓB − logit π",
    "sum_uncorrected": "ℓA + ℓB (prior twice)",
    "joint": "LR on [xA, xB]",
    "bayes": "exact Bayes",
}
VIRIDIS = [[i / (len(plotly.colors.sequential.Viridis) - 1), c] for i, c in enumerate(plotly.colors.sequential.Viridis)]
SEQ_LABELS = {"concat": "concat-MLP", "mean_pool": "mean-pool MLP", "attention": "cross-attention"}


def posterior_scatter(pairs: Mapping[str, Sequence[float]]) -> go.Figure:
    """Fused posteriors against the exact Bayes posterior; the diagonal is perfect agreement."""
    traces = [
        {
            "type": "scatter",
            "x": pairs["bayes"],
            "y": pairs[name],
            "mode": "markers",
            "name": PREDICTOR_LABELS[name],
            "marker": {"size": 4, "opacity": 0.6},
        }
        for name in ("sum_corrected", "sum_uncorrected", "joint")
    ]
    traces.append(diagonal("diagonal"))
    extra = {
        "xaxis": {**axis_title("exact Bayes P(y=1 | xA, xB)"), "range": [0, 1]},
        "yaxis": {**axis_title("fused P(y=1)"), "range": [0, 1]},
    }
    return figure(traces, layout(title="Fused vs Bayes posterior", height=400, extra=extra))


def reliability_figure(tables: Mapping[str, Mapping[str, Sequence[float]]]) -> go.Figure:
    """Mean predicted probability vs observed frequency per bin (empty bins dropped)."""
    traces = []
    for name in ("sum_corrected", "sum_uncorrected", "joint", "bayes"):
        table = tables[name]
        keep = [i for i, n in enumerate(table["count"]) if n > 0]
        traces.append(
            {
                "type": "scatter",
                "x": [table["confidence"][i] for i in keep],
                "y": [table["frequency"][i] for i in keep],
                "mode": "lines+markers",
                "name": PREDICTOR_LABELS[name],
            }
        )
    traces.append(diagonal("calibrated"))
    extra = {
        "xaxis": {**axis_title("predicted P(y=1)"), "range": [0, 1]},
        "yaxis": {**axis_title("observed frequency"), "range": [0, 1]},
    }
    return figure(traces, layout(title="Reliability diagram", height=400, extra=extra))


def sweep_figures(sweep: Mapping[str, Mapping]) -> dict[str, go.Figure]:
    """Accuracy, parameters and FLOPs per example against sequence length T."""
    lengths = [int(t) for t in sweep]
    series = lambda key: {SEQ_LABELS[m]: [sweep[str(t)][key][m] for t in lengths] for m in SEQ_LABELS}  # noqa: E731
    return {
        "accuracy": line_chart(
            lengths,
            series("accuracy"),
            title="Test accuracy vs sequence length",
            x_title="frames T",
            y_title="accuracy",
            y_range=[0, 1.02],
            reference=0.25,
        ),
        "params": line_chart(
            lengths, series("params"), title="Parameters", x_title="frames T", y_title="parameters", log_y=True
        ),
        "flops": line_chart(
            lengths, series("flops"), title="FLOPs per example", x_title="frames T", y_title="FLOPs", log_y=True
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
            "name": "relevant frame",
            "marker": {"symbol": "x-thin", "size": 12, "line": {"width": 2, "color": "red"}},
        },
    ]
    extra = {"xaxis": axis_title("frame t"), "yaxis": {**axis_title("test example"), "autorange": "reversed"}}
    return figure(traces, layout(title="Where the question looks (attention weights)", height=320, extra=extra))
