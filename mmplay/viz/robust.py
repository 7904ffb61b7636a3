"""Figures of the gating and missing-modality labs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.common import line_chart
from mmplay.viz.figure import figure
from mmplay.viz.style import axis_title, layout

GATE_LABELS = {  # English; shown through gate_labels()
    "a_only": N_("A only"),
    "b_only": N_("B only (corrupted)"),
    "naive": N_("naive fusion"),
    "rule_gate": N_("rule gate (JS + typicality)"),
    "learned_gate": N_("learned soft gate"),
    "entropy_gate": N_("entropy-only rule"),
}
MISSING_LABELS = {  # English; shown through missing_labels()
    "zero_fill": N_("zero-fill"),
    "mean_fill": N_("mean-fill"),
    "conditional": N_("conditional Gaussian E[x_m | x_o]"),
    "regressor": N_("learned regressor"),
    "dropout": N_("modality dropout"),
    "dropout_impute": N_("dropout + imputation"),
}
JS_SETS = {"clean": N_("clean"), "corrupted": N_("corrupted")}  # the disagreement histogram's two sets


def gate_labels() -> dict[str, str]:
    """The gating lab's methods, in the current language."""
    return {name: _(label) for name, label in GATE_LABELS.items()}


def missing_labels() -> dict[str, str]:
    """The missing-modality lab's strategies, in the current language."""
    return {name: _(label) for name, label in MISSING_LABELS.items()}


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
        y_title=_("test accuracy"),
        y_range=[0, 1.02],
        reference=0.25,
        height=380,
    )


def disagreement_histogram(js: Mapping[str, Sequence[float]], tau: float) -> go.Figure:
    """JS divergence between the unimodal predictions, clean vs corrupted, with τ marked."""
    traces = [
        {
            "type": "histogram",
            "x": values,
            "name": _(JS_SETS.get(name, name)),
            "opacity": 0.6,
            "nbinsx": 40,
            "histnorm": "probability",
        }
        for name, values in js.items()
    ]
    tau_line = {
        "type": "line",
        "xref": "x",
        "x0": tau,
        "x1": tau,
        "yref": "y domain",
        "y0": 0,
        "y1": 1,
        "line": {"color": "black", "dash": "dash"},
    }
    tau_note = {
        "text": f"τ = {tau:.2f}",
        "xref": "x",
        "x": tau,
        "xanchor": "left",
        "yref": "y domain",
        "y": 1,
        "yanchor": "top",
        "showarrow": False,
    }
    extra = {
        "shapes": [tau_line],
        "annotations": [tau_note],
        "barmode": "overlay",
        "xaxis": axis_title(_("JS divergence (nats)")),
        "yaxis": axis_title(_("fraction of items")),
    }
    return figure(traces, layout(title=_("How much do the two modalities disagree?"), height=340, extra=extra))


def imputation_scatter(sample: Mapping[str, Sequence[float]]) -> go.Figure:
    """Imputed vs true values, one series per imputer, and the diagonal; the points as float32 typed arrays (a live
    tick sends 600 of them: base64, not decimal text)."""
    true = np.asarray(sample["true"], dtype=np.float32)
    traces = [
        {
            "type": "scatter",
            "x": true,
            "y": np.asarray(sample[name], dtype=np.float32),
            "mode": "markers",
            "name": _(MISSING_LABELS[name]),
            "marker": {"size": 4, "opacity": 0.6},
        }
        for name in ("conditional", "regressor")
    ]
    lo, hi = float(true.min()), float(true.max())
    traces.append(
        {
            "type": "scatter",
            "x": [lo, hi],
            "y": [lo, hi],
            "mode": "lines",
            "name": _("perfect"),
            "line": {"color": "grey", "dash": "dot"},
        }
    )
    extra = {
        "xaxis": axis_title(_("true value (missing modality, 2nd feature)")),
        "yaxis": axis_title(_("imputed value")),
    }
    return figure(traces, layout(title=_("Imputed vs true"), height=360, extra=extra))
