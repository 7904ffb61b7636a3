"""Figures of the experts lab: densities, scores against bias, reliability curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mmplay.viz.common import line_chart
from mmplay.viz.style import tidy

METHOD_LABELS = {"expert_a": "expert A", "expert_b": "expert B", "poe": "PoE (product)", "moe": "MoE (mixture)"}
METHOD_COLORS = {"expert_a": "#1f77b4", "expert_b": "#ff7f0e", "poe": "#d62728", "moe": "#2ca02c"}
EXPERT_COLORS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b")


def densities_figure(result) -> go.Figure:
    """Each expert's density (dotted), the PoE and MoE densities (thick), with their means and ±2σ bands."""
    grid = np.asarray(result.grid, dtype=np.float32)
    line = lambda y, name, style: go.Scatter(
        x=grid,
        y=np.asarray(y, dtype=np.float32),
        mode="lines",  # noqa: E731
        name=name,
        line=style,
    )
    traces = [
        line(d, f"expert {k + 1}", {"color": EXPERT_COLORS[k], "width": 1.5, "dash": "dot"})
        for k, d in enumerate(result.expert_densities)
    ]
    traces += [
        line(result.poe_density, "PoE (product)", {"color": METHOD_COLORS["poe"], "width": 3}),
        line(result.moe_density, "MoE (mixture)", {"color": METHOD_COLORS["moe"], "width": 3}),
    ]
    shapes = []
    for name, (mean, variance) in (("poe", result.poe), ("moe", result.moe)):
        sd, color = variance**0.5, METHOD_COLORS[name]
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": mean - 2 * sd,
                "x1": mean + 2 * sd,
                "y0": 0,
                "y1": 1,
                "fillcolor": color,
                "opacity": 0.08,
                "line": {"width": 0},
            }
        )
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": mean,
                "x1": mean,
                "y0": 0,
                "y1": 1,
                "line": {"color": color, "dash": "dash"},
            }
        )
    layout = {"shapes": shapes, "xaxis": {"title": {"text": "weight"}}, "yaxis": {"title": {"text": "density"}}}
    return tidy(
        go.Figure(data=traces, layout=layout),
        title="Experts, their product and their mixture (bands: mean ± 2σ)",
        height=380,
    )


def sweep_figures(sweep: Mapping[str, Mapping[str, Sequence[float]]], bias_units: Sequence[float]) -> dict:
    """Coverage, NLL and interval width of every method against sensor B's bias."""
    named = lambda group: {METHOD_LABELS[m]: v for m, v in sweep[group].items()}  # noqa: E731
    return {
        "coverage": line_chart(
            bias_units,
            named("coverage_90"),
            title="Coverage of the 90 % interval",
            x_title="bias of sensor B",
            y_title="coverage",
            y_range=[0, 1.02],
            reference=0.9,
        ),
        "nll": line_chart(
            bias_units,
            named("nll"),
            title="Negative log-likelihood (lower is better)",
            x_title="bias of sensor B",
            y_title="NLL (nats)",
            log_y=True,
        ),
        "width": line_chart(
            bias_units, named("width"), title="Width of the 90 % interval", x_title="bias of sensor B", y_title="width"
        ),
    }


def reliability_figure(levels: Sequence[float], empirical: Mapping[str, Sequence[float]]) -> go.Figure:
    """Empirical vs nominal coverage; the diagonal is perfect calibration."""
    fig = line_chart(
        levels,
        {METHOD_LABELS[m]: v for m, v in empirical.items()},
        title="Reliability",
        x_title="nominal coverage",
        y_title="empirical coverage",
        y_range=[0, 1.02],
    )
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"color": "grey", "dash": "dot"})
    return fig


def pit_figure(histograms: Mapping[str, Sequence[float]]) -> go.Figure:
    """PIT histograms: flat at 1 = calibrated, U-shaped = over-confident, hump = under-confident."""
    fig = go.Figure()
    for name, values in histograms.items():
        centres = [(i + 0.5) / len(values) for i in range(len(values))]
        fig.add_scatter(
            x=centres,
            y=list(values),
            mode="lines+markers",
            name=METHOD_LABELS[name],
            line={"color": METHOD_COLORS[name], "shape": "hvh"},
        )
    fig.add_hline(y=1.0, line_dash="dot", line_color="grey")
    fig.update_xaxes(title="PIT value F(true weight)", range=[0, 1])
    fig.update_yaxes(title="density", type="log")
    return tidy(fig, title="PIT histogram (flat = calibrated)", height=360)
