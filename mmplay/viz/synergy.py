"""Figures of the synergy lab: decision boundaries, accuracies, losses, the lifted 3-D space."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mmplay.viz.raster import diverging, png_data_uri, stamp_points
from mmplay.viz.style import CLASS_COLORS, DIVERGING, MODALITY_COLORS, tidy

MODEL_LABELS = {
    "a_only": "A only (x)",
    "b_only": "B only (y)",
    "late_sum": "late sum of logits",
    "linear_concat": "linear on [x, y]",
    "interaction": "linear on [x, y, x·y]",
    "mlp": "MLP on [x, y]",
}


PANEL_COLUMNS = 3
PANEL_GAP_PX = 8  # white pixels between neighbouring panels of the mosaic
TITLE_BAND_PX = 18  # white pixels above each panel, where its title sits


def boundary_pixels(probs: np.ndarray, axis: np.ndarray, points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One model's ``P(y=1)`` grid (rows = y ascending) coloured blue → red, test points stamped on; RGB uint8."""
    image = diverging(probs, DIVERGING[0][1], DIVERGING[1][1], DIVERGING[2][1])
    step = (axis[-1] - axis[0]) / (len(axis) - 1)
    rows = np.round((points[:, 1] - axis[0]) / step).astype(int)
    cols = np.round((points[:, 0] - axis[0]) / step).astype(int)
    inside = (rows >= 0) & (rows < len(axis)) & (cols >= 0) & (cols < len(axis))
    colors = [CLASS_COLORS[int(v > 0.5)] for v in labels[inside]]
    stamp_points(image, rows[inside], cols[inside], colors)
    return image


def panel_origin(index: int, size: int) -> tuple[int, int]:
    """Top-left pixel ``(row, col)`` of small multiple ``index`` (row-major) in the mosaic."""
    row, col = divmod(index, PANEL_COLUMNS)
    return row * (TITLE_BAND_PX + size) + TITLE_BAND_PX, col * (size + PANEL_GAP_PX)


def boundaries_figure(
    grids: Mapping[str, np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    test_accuracy: Mapping[str, float],
) -> go.Figure:
    """Six small multiples: each model's ``P(y=1)`` over the plane (blue → red) with the test points.

    All panels are one PNG mosaic (3 × 2, y pointing up in each) on one pair of hidden axes: the
    browser redraws one image trace per training tick, not six subplots with twelve axes.

    Args:
        grids: ``{model: (R, R) probabilities, rows = y ascending, "axis": (R,) coordinates}``.
        points: test points, shape (N, 2) as ``[x, y]``; labels: (N,) in {0, 1}.
    """
    axis = grids["axis"]
    names = [n for n in MODEL_LABELS if n in grids]
    size = len(axis)
    rows = -(-len(names) // PANEL_COLUMNS)
    height = rows * (TITLE_BAND_PX + size)
    width = PANEL_COLUMNS * size + (PANEL_COLUMNS - 1) * PANEL_GAP_PX
    mosaic = np.full((height, width, 3), 255, dtype=np.uint8)
    titles = []
    for i, name in enumerate(names):
        top, left = panel_origin(i, size)
        mosaic[top : top + size, left : left + size] = boundary_pixels(grids[name], axis, points, labels)[::-1]
        titles.append(
            {
                "text": f"<b>{MODEL_LABELS[name]}</b> · {test_accuracy.get(name, 0.0):.0%}",
                "x": left + size / 2,
                "y": top - 1,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
    layout = {
        "xaxis": {"visible": False, "range": [-0.5, width - 0.5]},
        "yaxis": {"visible": False, "range": [height - 0.5, -0.5], "scaleanchor": "x"},
        "annotations": titles,
    }
    fig = go.Figure(go.Image(source=png_data_uri(mosaic), hoverinfo="skip"), layout=layout)
    return tidy(fig, height=480).update_layout(margin={"t": 10, "b": 10, "l": 10, "r": 10})


def accuracy_figure(train: Mapping[str, float], test: Mapping[str, float], target: float = 0.98) -> go.Figure:
    """Grouped bars of train and test accuracy per model, with chance (0.5) and the target line."""
    names = [MODEL_LABELS[n] for n in MODEL_LABELS]
    bars = [
        go.Bar(x=names, y=ys, name=split, marker_color=color, text=[f"{v:.0%}" for v in ys], textposition="outside")
        for split, values, color in (("train", train, "#9ecae1"), ("test", test, "#3182bd"))
        for ys in [[values.get(n, 0.0) for n in MODEL_LABELS]]
    ]
    lines = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": {"dash": dash, "color": color}}
        for y, dash, color in ((0.5, "dot", "grey"), (target, "dash", "#2ca02c"))
    ]
    fig = go.Figure(data=bars, layout={"shapes": lines, "yaxis": {"range": [0, 1.12], "tickformat": ".0%"}})
    return tidy(fig, title=f"Accuracy (dotted: chance 50 %, dashed: {target:.0%})", height=330)


def lifted_figure(
    points: np.ndarray, labels: np.ndarray, plane: tuple[float, float, float, float], extent: float = 2.5
) -> go.Figure:
    """Points in ``(x, y, x·y)`` and the interaction model's plane ``w_x x + w_y y + w_xy z + c = 0``."""
    colors = np.where(labels > 0.5, CLASS_COLORS[1], CLASS_COLORS[0])
    z = points[:, 0] * points[:, 1]
    fig = go.Figure(
        go.Scatter3d(
            x=points[:, 0],
            y=points[:, 1],
            z=z,
            mode="markers",
            marker={"size": 2.5, "color": colors},
            name="test points",
        )
    )
    w_x, w_y, w_xy, c = plane
    if abs(w_xy) > 1e-6:
        grid = np.linspace(-extent, extent, 12)
        gx, gy = np.meshgrid(grid, grid)
        gz = np.clip(-(w_x * gx + w_y * gy + c) / w_xy, -6, 6)
        fig.add_trace(
            go.Surface(
                x=grid,
                y=grid,
                z=gz,
                showscale=False,
                opacity=0.45,
                colorscale=[[0, MODALITY_COLORS["fused"]], [1, MODALITY_COLORS["fused"]]],
                name="separating plane",
            )
        )
    fig.update_layout(scene={"xaxis_title": "x (A)", "yaxis_title": "y (B)", "zaxis_title": "x·y"})
    return tidy(fig, title="Lifted space: one plane separates XOR", height=420)


def pid_figure(pid: Mapping[str, float]) -> go.Figure:
    """Bars of the four PID atoms in bits."""
    names = ["redundancy", "unique_a", "unique_b", "synergy"]
    values = [pid[n] for n in names]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            text=[f"{v:.3f}" for v in values],
            textposition="outside",
            marker_color=["#999", MODALITY_COLORS["a"], MODALITY_COLORS["b"], "#d62728"],
        )
    )
    fig.update_yaxes(title="bits", range=[0, 1.2])
    return tidy(fig, title="Partial information decomposition (Williams–Beer)", height=300)
