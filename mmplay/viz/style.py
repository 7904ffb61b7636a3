"""Shared colours and layout defaults so every lab reads the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mmplay.viz.figure import Spec, merge

MODALITY_COLORS = {"a": "#1f77b4", "b": "#ff7f0e", "fused": "#2ca02c"}
CLASS_COLORS = ("#3b6fb6", "#d1495b")  # class 0 (blue), class 1 (red)
DIVERGING = [[0.0, "#3b6fb6"], [0.5, "#f7f7f7"], [1.0, "#d1495b"]]


def layout(
    *, title: str = "", height: int = 320, uirevision: str = "keep", extra: Mapping[str, Any] | None = None
) -> Spec:
    """Compact margins, a title, and ``uirevision`` so zoom survives live updates; ``extra`` merged on top."""
    base = {
        "title": {"text": title, "x": 0.0, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 45, "r": 10, "t": 40 if title else 10, "b": 40},
        "uirevision": uirevision,
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top"},
    }
    return merge(base, extra or {})


def axis_title(text: str) -> Spec:
    """An axis's ``title`` entry."""
    return {"title": {"text": text}}
