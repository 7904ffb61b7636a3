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


def _panel_axes(index: int, cols: int = 3, rows: int = 2, gap: float = 0.05) -> tuple[dict, dict]:
    """Domains of small multiple ``index`` (row-major) as x- and y-axis layout dicts."""
    row, col = divmod(index, cols)
    width, height = (1 - gap * (cols - 1)) / cols, (1 - 2.5 * gap * (rows - 1)) / rows
    x0, y1 = col * (width + gap), 1 - row * (height + 2.5 * gap)
    suffix = "" if index == 0 else str(index + 1)
    x_axis = {"domain": [x0, x0 + width], "showticklabels": False, "anchor": f"y{suffix}"}
    y_axis = {"domain": [y1 - height, y1], "showticklabels": False, "anchor": f"x{suffix}", "scaleanchor": f"x{suffix}"}
    return x_axis, y_axis


def boundary_image(probs: np.ndarray, axis: np.ndarray, points: np.ndarray, labels: np.ndarray) -> str:
    """One model's ``P(y=1)`` grid (rows = y ascending) with the test points stamped on, as a PNG."""
    image = diverging(probs, DIVERGING[0][1], DIVERGING[1][1], DIVERGING[2][1])
    step = (axis[-1] - axis[0]) / (len(axis) - 1)
    rows = np.round((points[:, 1] - axis[0]) / step).astype(int)
    cols = np.round((points[:, 0] - axis[0]) / step).astype(int)
    inside = (rows >= 0) & (rows < len(axis)) & (cols >= 0) & (cols < len(axis))
    colors = [CLASS_COLORS[int(v > 0.5)] for v in labels[inside]]
    stamp_points(image, rows[inside], cols[inside], colors)
    return png_data_uri(image)


def boundaries_figure(
    grids: Mapping[str, np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    test_accuracy: Mapping[str, float],
) -> go.Figure:
    """Six small multiples: each model's ``P(y=1)`` over the plane (blue → red) with the test points.

    Each panel is one PNG image (fast to redraw on every training tick).

    Args:
        grids: ``{model: (R, R) probabilities, rows = y ascending, "axis": (R,) coordinates}``.
        points: test points, shape (N, 2) as ``[x, y]``; labels: (N,) in {0, 1}.
    """
    axis = grids["axis"]
    step = float(axis[1] - axis[0])
    extent = [float(axis[0]) - step / 2, float(axis[-1]) + step / 2]
    traces, layout, titles = [], {}, []
    for i, name in enumerate(n for n in MODEL_LABELS if n in grids):
        suffix = "" if i == 0 else str(i + 1)
        x_axis, y_axis = _panel_axes(i)
        layout[f"xaxis{suffix}"] = {**x_axis, "range": extent}
        layout[f"yaxis{suffix}"] = {**y_axis, "range": extent}
        traces.append(
            go.Image(
                source=boundary_image(grids[name], axis, points, labels),
                x0=float(axis[0]),
                y0=float(axis[0]),
                dx=step,
                dy=step,
                hoverinfo="skip",
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
            )
        )
        titles.append(
            {
                "text": f"<b>{MODEL_LABELS[name]}</b> · {test_accuracy.get(name, 0.0):.0%}",
                "x": sum(x_axis["domain"]) / 2,
                "y": y_axis["domain"][1],
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
    fig = go.Figure(data=traces, layout={**layout, "annotations": titles})
    return tidy(fig, height=480).update_layout(margin={"t": 30})


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
