"""Figures of the gating and missing-modality labs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from mmplay.viz.common import line_chart
from mmplay.viz.style import tidy

GATE_LABELS = {
    "a_only": "A only",
    "b_only": "B only (corrupted)",
    "naive": "naive fusion",
    "rule_gate": "rule gate (JS + typicality)",
    "learned_gate": "learned soft gate",
    "entropy_gate": "entropy-only rule",
}
MISSING_LABELS = {
    "zero_fill": "zero-fill",
    "mean_fill": "mean-fill",
    "conditional": "conditional Gaussian E[x_m | x_o]",
    "regressor": "learned regressor",
    "dropout": "modality dropout",
    "dropout_impute": "dropout + imputation",
}


def accuracy_curves(
    levels: Sequence[float],
    sweep: Mapping[str, Sequence[float]],
    labels: Mapping[str, str],
    *,
    title: str,
    x_title: str,
) -> go.Figure:
    return line_chart(
        levels,
        {labels[k]: sweep[k] for k in labels if k in sweep},
        title=title,
        x_title=x_title,
        y_title="test accuracy",
        y_range=[0, 1.02],
        reference=0.25,
        height=380,
    )


def disagreement_histogram(js: Mapping[str, Sequence[float]], tau: float) -> go.Figure:
    """JS divergence between the unimodal predictions, clean vs corrupted, with τ marked."""
    fig = go.Figure()
    for name, values in js.items():
        fig.add_histogram(x=values, name=name, opacity=0.6, nbinsx=40, histnorm="probability")
    fig.add_vline(x=tau, line_dash="dash", line_color="black", annotation_text=f"τ = {tau:.2f}")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="JS divergence (nats)")
    fig.update_yaxes(title="fraction of items")
    return tidy(fig, title="How much do the two modalities disagree?", height=340)


def imputation_scatter(sample: Mapping[str, Sequence[float]]) -> go.Figure:
    fig = go.Figure()
    for name in ("conditional", "regressor"):
        fig.add_scatter(
            x=sample["true"],
            y=sample[name],
            mode="markers",
            name=MISSING_LABELS[name],
            marker={"size": 4, "opacity": 0.6},
        )
    lo, hi = min(sample["true"]), max(sample["true"])
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect", line={"color": "grey", "dash": "dot"})
    fig.update_xaxes(title="true value (missing modality, 2nd feature)")
    fig.update_yaxes(title="imputed value")
    return tidy(fig, title="Imputed vs true", height=360)
