"""Figures of the dominance lab: gradient norms, OGM's ρ and k, probes against their ceilings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import _
from mmplay.viz.common import hline, line_chart, waiting_note
from mmplay.viz.figure import figure
from mmplay.viz.style import MODALITY_COLORS, axis_title, layout


def smooth(values: Sequence[float], window: int = 10) -> np.ndarray:
    """Trailing moving average (the first points average what exists)."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        return array
    cumulative = np.cumsum(np.insert(array, 0, 0.0))
    idx = np.arange(1, array.size + 1)
    lo = np.maximum(idx - window, 0)
    return (cumulative[idx] - cumulative[lo]) / (idx - lo)


def grad_figure(trace: Mapping[str, Sequence[float]]) -> go.Figure:
    steps = np.arange(1, len(trace["grad_a"]) + 1)
    return line_chart(
        steps,
        {_("‖∇ encoder A‖"): smooth(trace["grad_a"]), _("‖∇ encoder B‖"): smooth(trace["grad_b"])},
        title=_("Gradient norm reaching each encoder (log)"),
        x_title=_("step"),
        y_title=_("norm"),
        log_y=True,
        markers=False,
    )


def ogm_figure(trace: Mapping[str, Sequence[float]]) -> go.Figure:
    steps = np.arange(1, len(trace["rho"]) + 1)
    series = {"ρ = s_A / s_B": smooth(trace["rho"]), "k_A": np.asarray(trace["k_a"]), "k_B": np.asarray(trace["k_b"])}
    if trace.get("w_a"):
        series.update({_("loss weight A"): np.asarray(trace["w_a"]), _("loss weight B"): np.asarray(trace["w_b"])})
    return line_chart(
        steps,
        series,
        title=_("Discrepancy ρ, OGM coefficients k, loss weights"),
        x_title=_("step"),
        y_title=_("value"),
        markers=False,
        reference=1.0,
    )


def probe_figure(
    steps: Sequence[int],
    probes: Mapping[str, Sequence[float]],
    ceilings: Mapping[str, float] | None,
    kept: Mapping[str, tuple[Sequence[int], Sequence[float]]] = {},
) -> go.Figure:
    """Unimodal probe accuracy per modality against its ceiling (dashed, when computed); kept runs overlaid (B)."""
    traces = []
    shapes, notes = [], []
    for u in ("a", "b"):
        color = MODALITY_COLORS[u]
        traces.append(
            {
                "type": "scatter",
                "x": list(steps),
                "y": list(probes[u]),
                "mode": "lines",
                "name": _("probe {modality}", modality=u.upper()),
                "line": {"color": color, "width": 3},
            }
        )
        if ceilings:
            label = _("{modality} alone {accuracy:.0%}", modality=u.upper(), accuracy=ceilings[u])
            shape, note = hline(ceilings[u], color=color, dash="dash", label=label)
            shapes.append(shape)
            notes.append(note)
    if len(steps) < 2:
        notes.append(waiting_note())
    for label, (kept_steps, kept_b) in kept.items():
        traces.append(
            {
                "type": "scatter",
                "x": list(kept_steps),
                "y": list(kept_b),
                "mode": "lines",
                "name": _("probe B · {run}", run=label),
                "line": {"dash": "dot"},
            }
        )
    extra = {"xaxis": axis_title(_("step")), "yaxis": {**axis_title(_("probe test accuracy")), "range": [0.4, 1.02]}}
    if shapes:
        extra.update(shapes=shapes, annotations=notes)
    title = _("What each encoder learned (linear probe) vs training it alone")
    return figure(traces, layout(title=title, height=380, extra=extra))
