"""Figures of the alignment lab: both sets in one view, held-out residuals, per-item residuals."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mmplay.viz.style import MODALITY_COLORS, tidy

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "x", "bowtie")


def pair_view(
    xy_a: np.ndarray, xy_b: np.ndarray, labels: np.ndarray, items: np.ndarray, title: str, lines: int = 40
) -> go.Figure:
    """A and B in one 2-D view: colour = modality, symbol = cluster, grey lines join sampled pairs;
    ``items`` are the shown points' item numbers (for the hover)."""
    fig = go.Figure()
    step = max(1, len(xy_a) // lines)
    xs, ys = [], []
    for i in range(0, len(xy_a), step):
        xs += [xy_a[i, 0], xy_b[i, 0], None]
        ys += [xy_a[i, 1], xy_b[i, 1], None]
    fig.add_scatter(
        x=xs, y=ys, mode="lines", line={"color": "rgba(120,120,120,0.35)", "width": 1}, name="pairs", hoverinfo="skip"
    )
    symbols = [SYMBOLS[int(c) % len(SYMBOLS)] for c in labels]
    for name, xy, color in (("A", xy_a, MODALITY_COLORS["a"]), ("B", xy_b, MODALITY_COLORS["b"])):
        fig.add_scatter(
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers",
            name=f"set {name}",
            marker={"color": color, "symbol": symbols, "size": 6, "opacity": 0.7},
            customdata=np.stack([items, labels], 1),
            hovertemplate="item %{customdata[0]} · cluster %{customdata[1]}<extra>" + name + "</extra>",
        )
    fig.update_yaxes(scaleanchor="x")
    return tidy(fig, title=title, height=420)


def residual_bars(residuals: Mapping[str, float]) -> go.Figure:
    names = {"orthogonal": "rotation + scale", "linear": "general linear (ridge)", "mlp": "MLP (nonlinear)"}
    values = [residuals[k] for k in names]
    fig = go.Figure(
        go.Bar(
            x=list(names.values()),
            y=values,
            text=[f"{v:.3f}" for v in values],
            textposition="outside",
            marker_color=["#1f77b4", "#9467bd", "#d62728"],
        )
    )
    fig.update_yaxes(title="held-out residual ‖f(A) − B‖ / ‖B − B̄‖", rangemode="tozero")
    return tidy(fig, title="Which map fits held-out pairs?", height=360)


def residual_histogram(per_item: np.ndarray) -> go.Figure:
    fig = go.Figure(go.Histogram(x=per_item, nbinsx=40, marker_color="#7f7f7f"))
    fig.update_xaxes(title="‖aligned A − B‖ per item (full Procrustes fit)")
    fig.update_yaxes(title="items")
    return tidy(fig, title="Residual per item", height=300)
