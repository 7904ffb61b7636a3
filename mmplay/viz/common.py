"""Figures every lab uses: line charts of series against a shared x axis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from mmplay.viz.style import tidy


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
    """One line per series (legend = key); optional horizontal ``reference`` line."""
    fig = go.Figure(
        [
            go.Scatter(x=list(x), y=list(ys), mode="lines+markers" if markers else "lines", name=name)
            for name, ys in series.items()
        ]
    )
    if reference is not None:
        fig.add_hline(y=reference, line_dash="dash", line_color="grey")
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, range=y_range, type="log" if log_y else None)
    return tidy(fig, title=title, height=height)
