"""Figures of the contrastive lab: the joint embedding, the batch similarity matrix, label efficiency."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mmplay.viz.style import tidy

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def embedding_figure(points: Mapping[str, np.ndarray], method: str = "PCA") -> go.Figure:
    """Both modalities in one 2-D PCA view: colour = concept, symbol = modality."""
    fig = go.Figure()
    for modality, symbol in (("A", "circle"), ("B", "x")):
        mask = points["modality"] == modality
        colors = [PALETTE[c % len(PALETTE)] for c in points["concept"][mask]]
        fig.add_scatter(
            x=points["xy"][mask, 0],
            y=points["xy"][mask, 1],
            mode="markers",
            name=f"modality {modality}",
            marker={"color": colors, "symbol": symbol, "size": 6, "opacity": 0.75},
            text=[f"concept {c}" for c in points["concept"][mask]],
            hovertemplate="%{text}<extra></extra>",
        )
    fig.update_yaxes(scaleanchor="x")
    return tidy(fig, title=f"Joint embedding ({method}): colour = concept, ● = A, ✕ = B", height=420)


def similarity_figure(matrix: np.ndarray) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(z=matrix, zmin=-1, zmax=1, colorscale="RdBu", reversescale=True, colorbar={"title": "cos"})
    )
    fig.update_xaxes(title="B item")
    fig.update_yaxes(title="A item", autorange="reversed")
    return tidy(fig, title="Similarity of test pairs (the diagonal should light up)", height=420)


def efficiency_figure(table: Mapping[str, Mapping[str, Mapping[str, float]]], chance: float) -> go.Figure:
    """Probe accuracy vs labels per concept for each representation, ± one std over draws."""
    ns = [int(n) for n in table]
    fig = go.Figure()
    for name, label in (("raw", "raw features"), ("untrained", "untrained encoder"), ("trained", "trained encoder")):
        means = [table[str(n)][name]["mean"] for n in ns]
        stds = [table[str(n)][name]["std"] for n in ns]
        fig.add_scatter(
            x=ns, y=means, mode="lines+markers", name=label, error_y={"type": "data", "array": stds, "visible": True}
        )
    fig.add_hline(y=chance, line_dash="dot", line_color="grey", annotation_text="chance")
    fig.update_xaxes(title="labels per concept", type="log")
    fig.update_yaxes(title="probe test accuracy", range=[0, 1.02])
    return tidy(fig, title="Label efficiency (linear probes, modality A)", height=380)
