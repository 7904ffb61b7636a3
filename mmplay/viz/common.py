"""Figures every lab uses: line charts of series against a shared x axis, reference lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.figure import Spec, figure
from mmplay.viz.style import layout, log_axis

WAITING = N_("▶ Play draws this curve as the model trains")  # translated where shown: waiting_note()


def hline(y: float, *, color: str = "grey", dash: str = "dash", label: str | None = None) -> tuple[Spec, Spec | None]:
    """A horizontal line across the plot at ``y`` (a layout shape) and, if ``label``, its annotation."""
    shape = {
        "type": "line",
        "xref": "x domain",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": color, "dash": dash},
    }
    note = None
    if label is not None:
        note = {
            "text": label,
            "xref": "x domain",
            "x": 1,
            "xanchor": "right",
            "yref": "y",
            "y": y,
            "yanchor": "bottom",
            "showarrow": False,
        }
    return shape, note


def diagonal(name: str) -> Spec:
    """The dotted grey line ``y = x`` over [0, 1] (perfect calibration, or agreement with a reference)."""
    return {
        "type": "scatter",
        "x": [0, 1],
        "y": [0, 1],
        "mode": "lines",
        "name": name,
        "line": {"color": "grey", "dash": "dot"},
    }


def line_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 320,
    y_range: Sequence[float] | None = None,
    log_y: bool = False,
    reference: float | None = None,
    markers: bool = True,
) -> go.Figure:
    """One line per series (legend = key); optional horizontal ``reference`` line. Numpy arrays stay arrays (sent
    as Plotly's binary typed arrays: a long training trace serialises ≈ 10× faster than as a list of floats)."""
    wire = lambda values: values if isinstance(values, np.ndarray) else list(values)  # noqa: E731
    traces = [
        {"type": "scatter", "x": wire(x), "y": wire(ys), "mode": "lines+markers" if markers else "lines", "name": name}
        for name, ys in series.items()
    ]
    y_axis: Spec = {"title": {"text": y_title}}
    if y_range is not None:
        y_axis["range"] = list(y_range)
    if log_y:
        y_axis.update(log_axis(np.concatenate([np.asarray(ys, dtype=float) for ys in series.values()])))
    extra: Spec = {"xaxis": {"title": {"text": x_title}}, "yaxis": y_axis}
    if reference is not None:
        extra["shapes"] = [hline(reference)[0]]
    if len(x) < 2:  # no segment to draw yet: say what will appear, not an empty frame
        extra["annotations"] = [waiting_note()]
    return figure(traces, layout(title=title, height=height, extra=extra))


def waiting_note(text: str | None = None) -> Spec:
    """A note in the middle of a training curve's frame that has fewer than two points (nothing to draw); by
    default :data:`WAITING`, translated."""
    return {
        "text": _(WAITING) if text is None else text,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 14},
    }
