"""Figures of the experts lab: densities, scores against bias, reliability curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz import palette
from mmplay.viz.common import diagonal, hline, line_chart
from mmplay.viz.figure import Spec, figure
from mmplay.viz.palette import look
from mmplay.viz.style import axis_title, layout, log_axis

METHOD_LABELS = {  # English (they pick the looks); shown through method_labels()
    "expert_a": N_("expert A"),
    "expert_b": N_("expert B"),
    "poe": N_("PoE (product)"),
    "moe": N_("MoE (mixture)"),
}
METHOD_COLORS = {key: look(label).color for key, label in METHOD_LABELS.items()}
EXPERT_COLORS = (palette.BLUE, palette.ORANGE, palette.SKY, palette.PURPLE)


def method_labels() -> dict[str, str]:
    """The four methods' names, in the current language."""
    return {name: _(label) for name, label in METHOD_LABELS.items()}


def densities_figure(result) -> go.Figure:
    """Each expert's density (dotted), the PoE and MoE densities (thick), with their means and ±2σ bands."""
    grid = np.asarray(result.grid, dtype=np.float32)

    def line(y, name: str, style: Spec) -> Spec:
        return {
            "type": "scatter",
            "x": grid,
            "y": np.asarray(y, dtype=np.float32),
            "mode": "lines",
            "name": name,
            "line": style,
        }

    labels = method_labels()
    traces = [
        line(d, _("expert {number}", number=k + 1), {"color": EXPERT_COLORS[k], "width": 1.5, "dash": "dot"})
        for k, d in enumerate(result.expert_densities)
    ]
    traces += [
        line(result.poe_density, labels["poe"], {"width": 3}),  # colour and dash: the method's look
        line(result.moe_density, labels["moe"], {"width": 3}),
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
    extra = {"shapes": shapes, "xaxis": axis_title(_("weight")), "yaxis": axis_title(_("density"))}
    return figure(
        traces,
        layout(title=_("Experts, their product and their mixture (bands: mean ± 2σ)"), height=380, extra=extra),
    )


def sweep_figures(sweep: Mapping[str, Mapping[str, Sequence[float]]], bias_units: Sequence[float]) -> dict:
    """Coverage, NLL and interval width of every method against sensor B's bias."""
    labels, bias = method_labels(), _("bias of sensor B")
    named = lambda group: {labels[m]: v for m, v in sweep[group].items()}  # noqa: E731
    return {
        "coverage": line_chart(
            bias_units,
            named("coverage_90"),
            title=_("Coverage of the 90 % interval"),
            x_title=bias,
            y_title=_("coverage"),
            y_range=[0, 1.02],
            reference=0.9,
        ),
        "nll": line_chart(
            bias_units,
            named("nll"),
            title=_("Negative log-likelihood (lower is better)"),
            x_title=bias,
            y_title=_("NLL (nats)"),
            log_y=True,
        ),
        "width": line_chart(
            bias_units, named("width"), title=_("Width of the 90 % interval"), x_title=bias, y_title=_("width")
        ),
    }


def reliability_figure(levels: Sequence[float], empirical: Mapping[str, Sequence[float]]) -> go.Figure:
    """Empirical vs nominal coverage; the diagonal is perfect calibration."""
    labels = method_labels()
    traces = [
        {"type": "scatter", "x": list(levels), "y": list(ys), "mode": "lines+markers", "name": labels[m]}
        for m, ys in empirical.items()
    ]
    traces.append(diagonal(_("perfect")))
    extra = {
        "xaxis": axis_title(_("nominal coverage")),
        "yaxis": {**axis_title(_("empirical coverage")), "range": [0, 1.02]},
    }
    return figure(traces, layout(title=_("Reliability"), height=320, extra=extra))


def pit_figure(histograms: Mapping[str, Sequence[float]]) -> go.Figure:
    """PIT histograms: flat at 1 = calibrated, U-shaped = over-confident, hump = under-confident."""
    labels = method_labels()
    traces = [
        {
            "type": "scatter",
            "x": [(i + 0.5) / len(values) for i in range(len(values))],
            "y": list(values),
            "mode": "lines+markers",
            "name": labels[name],
            "line": {"shape": "hvh"},
        }
        for name, values in histograms.items()
    ]
    extra = {
        "shapes": [hline(1.0, color="grey", dash="dot")[0]],
        "xaxis": {**axis_title(_("PIT value F(true weight)")), "range": [0, 1]},
        "yaxis": {**axis_title(_("density")), **log_axis([v for values in histograms.values() for v in values])},
    }
    return figure(traces, layout(title=_("PIT histogram (flat = calibrated)"), height=360, extra=extra))
