"""Figures of the alignment lab: both sets in one view, held-out residuals, per-item residuals."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.figure import figure
from mmplay.viz.style import MODALITY_COLORS, axis_title, layout

MAP_NAMES = {  # English; shown through _()
    "orthogonal": N_("rotation + scale"),
    "linear": N_("general linear (ridge)"),
    "mlp": N_("MLP (nonlinear)"),
}
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "x", "bowtie")


def pair_view(
    xy_a: np.ndarray, xy_b: np.ndarray, labels: np.ndarray, items: np.ndarray, title: str, lines: int = 40
) -> go.Figure:
    """A and B in one 2-D view: colour = modality, symbol = cluster, grey lines join sampled pairs;
    ``items`` are the shown points' item numbers (for the hover)."""
    step = max(1, len(xy_a) // lines)
    xs, ys = [], []
    for i in range(0, len(xy_a), step):
        xs += [xy_a[i, 0], xy_b[i, 0], None]
        ys += [xy_a[i, 1], xy_b[i, 1], None]
    traces = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": "rgba(120,120,120,0.35)", "width": 1},
            "name": _("pairs"),
            "hoverinfo": "skip",
        }
    ]
    symbols = [SYMBOLS[int(c) % len(SYMBOLS)] for c in labels]
    hover = _("item %{customdata[0]} · cluster %{customdata[1]}")  # no values: %{…} stays for Plotly
    for name, xy, color in (("A", xy_a, MODALITY_COLORS["a"]), ("B", xy_b, MODALITY_COLORS["b"])):
        traces.append(
            {
                "type": "scatter",
                "x": xy[:, 0],
                "y": xy[:, 1],
                "mode": "markers",
                "name": _("set {name}", name=name),
                "marker": {"color": color, "symbol": symbols, "size": 6, "opacity": 0.7},
                "customdata": np.stack([items, labels], 1),
                "hovertemplate": hover + "<extra>" + name + "</extra>",
            }
        )
    return figure(traces, layout(title=title, height=420, extra={"yaxis": {"scaleanchor": "x"}}))


def residual_bars(residuals: Mapping[str, float]) -> go.Figure:
    names = {key: _(label) for key, label in MAP_NAMES.items()}
    values = [residuals[k] for k in names]
    bars = {
        "type": "bar",
        "x": list(names.values()),
        "y": values,
        "text": [f"{v:.3f}" for v in values],
        "textposition": "outside",
        "marker": {"color": ["#1f77b4", "#9467bd", "#d62728"]},
    }
    extra = {"yaxis": {**axis_title(_("held-out residual ‖f(A) − B‖ / ‖B − B̄‖")), "rangemode": "tozero"}}
    return figure([bars], layout(title=_("Which map fits held-out pairs?"), height=360, extra=extra))


def residual_histogram(per_item: np.ndarray) -> go.Figure:
    histogram = {"type": "histogram", "x": per_item, "nbinsx": 40, "marker": {"color": "#7f7f7f"}}
    extra = {
        "xaxis": axis_title(_("‖aligned A − B‖ per item (full Procrustes fit)")),
        "yaxis": axis_title(_("items")),
    }
    return figure([histogram], layout(title=_("Residual per item"), height=300, extra=extra))
