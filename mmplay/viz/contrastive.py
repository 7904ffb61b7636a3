"""Figures of the contrastive lab: the joint embedding, the batch similarity matrix, label efficiency."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.common import hline
from mmplay.viz.figure import figure
from mmplay.viz.style import axis_title, layout

# Plotly's "RdBu" as the stop list its validation would expand the name to (the figure is not validated)
RDBU = [[i / (len(plotly.colors.diverging.RdBu) - 1), c] for i, c in enumerate(plotly.colors.diverging.RdBu)]
REPRESENTATION_NAMES = {  # English; shown through _()
    "raw": N_("raw features"),
    "untrained": N_("untrained encoder"),
    "trained": N_("trained encoder"),
}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def embedding_figure(points: Mapping[str, np.ndarray], method: str = "PCA") -> go.Figure:
    """Both modalities in one 2-D PCA view: colour = concept, symbol = modality. Each point carries its concept's
    number (a typed array), which a discrete colour scale colours and a hover template names, instead of a colour and
    a label string per point: a live tick sends numbers, not a thousand strings."""
    traces = []
    hover = _("concept {concept}", concept="%{customdata}") + "<extra></extra>"
    scale = [[i / (len(PALETTE) - 1), colour] for i, colour in enumerate(PALETTE)]
    for modality, symbol in (("A", "circle"), ("B", "x")):
        mask = points["modality"] == modality
        concepts = points["concept"][mask].astype(np.int32)
        traces.append(
            {
                "type": "scatter",
                "x": points["xy"][mask, 0],
                "y": points["xy"][mask, 1],
                "mode": "markers",
                "name": _("modality {modality}", modality=modality),
                "customdata": concepts,
                "marker": {
                    "color": concepts % len(PALETTE),
                    "colorscale": scale,
                    "cmin": 0,
                    "cmax": len(PALETTE) - 1,
                    "symbol": symbol,
                    "size": 6,
                    "opacity": 0.75,
                },
                "hovertemplate": hover,
            }
        )
    title = _("Joint embedding ({method}): colour = concept, ● = A, ✕ = B", method=method)
    return figure(traces, layout(title=title, height=420, extra={"yaxis": {"scaleanchor": "x"}}))


def similarity_figure(matrix: np.ndarray) -> go.Figure:
    heatmap = {
        "type": "heatmap",
        "z": matrix,
        "zmin": -1,
        "zmax": 1,
        "colorscale": RDBU,
        "reversescale": True,
        "colorbar": {"title": {"text": "cos"}},
    }
    extra = {"xaxis": axis_title(_("B item")), "yaxis": {**axis_title(_("A item")), "autorange": "reversed"}}
    title = _("Similarity of test pairs (the diagonal should light up)")
    return figure([heatmap], layout(title=title, height=420, extra=extra))


def efficiency_figure(table: Mapping[str, Mapping[str, Mapping[str, float]]], chance: float) -> go.Figure:
    """Probe accuracy vs labels per concept for each representation, ± one std over draws."""
    ns = [int(n) for n in table]
    traces = []
    for name, label in REPRESENTATION_NAMES.items():
        means = [table[str(n)][name]["mean"] for n in ns]
        stds = [table[str(n)][name]["std"] for n in ns]
        traces.append(
            {
                "type": "scatter",
                "x": ns,
                "y": means,
                "mode": "lines+markers",
                "name": _(label),
                "error_y": {"type": "data", "array": stds, "visible": True},
            }
        )
    shape, note = hline(chance, color="grey", dash="dot", label=_("chance"))
    extra = {
        "shapes": [shape],
        "annotations": [note],
        "xaxis": {**axis_title(_("labels per concept")), "type": "log", "tickvals": ns},
        "yaxis": {**axis_title(_("probe test accuracy")), "range": [0, 1.02]},
    }
    return figure(traces, layout(title=_("Label efficiency (linear probes, modality A)"), height=380, extra=extra))
