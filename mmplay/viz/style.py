"""Shared colours and layout defaults so every lab reads the same way."""

from __future__ import annotations

import plotly.graph_objects as go

MODALITY_COLORS = {"a": "#1f77b4", "b": "#ff7f0e", "fused": "#2ca02c"}
CLASS_COLORS = ("#3b6fb6", "#d1495b")  # class 0 (blue), class 1 (red)
DIVERGING = [[0.0, "#3b6fb6"], [0.5, "#f7f7f7"], [1.0, "#d1495b"]]


def tidy(fig: go.Figure, *, title: str = "", height: int = 320, uirevision: str = "keep") -> go.Figure:
    """Compact margins, a title, and ``uirevision`` so zoom survives live updates."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "font": {"size": 14}},
        height=height,
        margin={"l": 45, "r": 10, "t": 40 if title else 10, "b": 40},
        uirevision=uirevision,
        legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
    )
    return fig
