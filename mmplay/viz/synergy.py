"""Figures of the synergy lab: decision boundaries, accuracies, losses, the lifted 3-D space."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mmplay.i18n import N_, _
from mmplay.viz.figure import figure
from mmplay.viz.raster import diverging, png_data_uri, stamp_points
from mmplay.viz.style import CLASS_COLORS, DIVERGING, MODALITY_COLORS, axis_title, layout

MODEL_LABELS = {  # English; shown through model_labels()
    "a_only": N_("A only (x)"),
    "b_only": N_("B only (y)"),
    "late_sum": N_("late sum of logits"),
    "linear_concat": N_("linear on [x, y]"),
    "interaction": N_("linear on [x, y, x·y]"),
    "mlp": N_("MLP on [x, y]"),
}


def model_labels() -> dict[str, str]:
    """The six models' names, in the current language."""
    return {name: _(label) for name, label in MODEL_LABELS.items()}


PANEL_COLUMNS = 3
PANEL_GAP_PX = 8  # white pixels between neighbouring panels of the mosaic
TITLE_BAND_PX = 18  # white pixels above each panel, where its title sits


def point_layer(axis: np.ndarray, points: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The test points as stamped dots on a grid over ``axis`` (rows = y ascending): RGB uint8 (R, R, 3)
    and the mask (R, R) of the pixels they cover (dot or white rim). Drawn once, laid on every panel."""
    size = len(axis)
    step = (axis[-1] - axis[0]) / (size - 1)
    rows = np.round((points[:, 1] - axis[0]) / step).astype(int)
    cols = np.round((points[:, 0] - axis[0]) / step).astype(int)
    inside = (rows >= 0) & (rows < size) & (cols >= 0) & (cols < size)
    colors = [CLASS_COLORS[int(v > 0.5)] for v in labels[inside]]
    layer = np.full((size, size, 3), -1, dtype=np.int16)  # -1: not covered by any dot
    stamp_points(layer, rows[inside], cols[inside], colors)
    covered = layer[..., 0] >= 0
    return layer.clip(0, 255).astype(np.uint8), covered


POINT_LAYERS: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # a few recent runs' point layers
POINT_LAYERS_KEPT = 64


def cached_point_layer(axis: np.ndarray, points: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`point_layer`, remembered by content: a run's test points stay put while it trains."""
    key = hashlib.blake2b(axis.tobytes() + points.tobytes() + labels.tobytes(), digest_size=16).digest()
    if key not in POINT_LAYERS:
        if len(POINT_LAYERS) >= POINT_LAYERS_KEPT:
            POINT_LAYERS.pop(next(iter(POINT_LAYERS)))
        POINT_LAYERS[key] = point_layer(axis, points, labels)
    return POINT_LAYERS[key]


def colour_panels(probs: np.ndarray, layer: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``P(y=1)`` grids (..., R, R) coloured blue → white → red, with ``layer``'s dots on top; uint8 (..., R, R, 3)."""
    image = diverging(probs, DIVERGING[0][1], DIVERGING[1][1], DIVERGING[2][1])
    dots, covered = layer
    image[..., covered, :] = dots[covered]
    return image


def boundary_pixels(probs: np.ndarray, axis: np.ndarray, points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One model's ``P(y=1)`` grid (rows = y ascending) coloured blue → red, test points stamped on; RGB uint8."""
    return colour_panels(probs, point_layer(axis, points, labels))


PLANE_GREY = "#8C8C8C"
TITLE_INK = "#262730"  # tile titles sit on the PNG's white band, so they stay dark in a dark theme too


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
    panels = colour_panels(np.stack([grids[n] for n in names]), cached_point_layer(axis, points, labels))
    titles, labels_now = [], model_labels()
    for i, name in enumerate(names):
        top, left = panel_origin(i, size)
        mosaic[top : top + size, left : left + size] = panels[i, ::-1]
        titles.append(
            {
                "text": f"<b>{labels_now[name]}</b> · {test_accuracy.get(name, 0.0):.0%}",
                "x": left + size / 2,
                "y": top - 1,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13, "color": TITLE_INK},  # on the mosaic's white band, in either theme
            }
        )
    extra = {
        "xaxis": {"visible": False, "range": [-0.5, width - 0.5]},
        "yaxis": {"visible": False, "range": [height - 0.5, -0.5], "scaleanchor": "x"},
        "annotations": titles,
        "margin": {"t": 10, "b": 10, "l": 10, "r": 10},
    }
    image = {"type": "image", "source": png_data_uri(mosaic), "hoverinfo": "skip"}
    return figure([image], layout(height=480, extra=extra))


def accuracy_figure(train: Mapping[str, float], test: Mapping[str, float], target: float = 0.98) -> go.Figure:
    """Grouped bars of train and test accuracy per model, with chance (0.5) and the target line. Only the test
    bar is labelled: two "100%" side by side in a narrow column run into one another."""
    names = list(model_labels().values())
    bars = [
        {
            "type": "bar",
            "x": names,
            "y": ys,
            "name": _(split),
            "marker": {"color": color},
            **({"text": [f"{v:.0%}" for v in ys], "textposition": "outside"} if split == "test" else {}),
        }
        for split, values, color in ((N_("train"), train, "#9ecae1"), (N_("test"), test, "#3182bd"))
        for ys in [[values.get(n, 0.0) for n in MODEL_LABELS]]
    ]
    lines = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": {"dash": dash, "color": color}}
        for y, dash, color in ((0.5, "dot", "grey"), (target, "dash", MODALITY_COLORS["fused"]))
    ]
    extra = {"shapes": lines, "yaxis": {"range": [0, 1.12], "tickformat": ".0%"}}
    return figure(
        bars,
        layout(title=_("Accuracy (dotted: chance 50 %, dashed: {target:.0%})", target=target), height=330, extra=extra),
    )


def lifted_figure(
    points: np.ndarray, labels: np.ndarray, plane: tuple[float, float, float, float], extent: float = 2.5
) -> go.Figure:
    """Points in ``(x, y, x·y)`` and the interaction model's plane ``w_x x + w_y y + w_xy z + c = 0``."""
    z = points[:, 0] * points[:, 1]
    traces = [
        {
            "type": "scatter3d",
            "x": points[mask, 0],
            "y": points[mask, 1],
            "z": z[mask],
            "mode": "markers",
            "marker": {"size": 2.5, "color": color},
            "name": _("class {label}", label=label),
        }
        for label, color in enumerate(CLASS_COLORS)
        for mask in [(labels > 0.5) == bool(label)]
    ]
    w_x, w_y, w_xy, c = plane
    if abs(w_xy) > 1e-6:
        grid = np.linspace(-extent, extent, 12)
        gx, gy = np.meshgrid(grid, grid)
        gz = np.clip(-(w_x * gx + w_y * gy + c) / w_xy, -6, 6)
        traces.append(
            {
                "type": "surface",
                "x": grid,
                "y": grid,
                "z": gz,
                "showscale": False,
                "opacity": 0.3,  # grey, so the class colours seen through it stay themselves
                "colorscale": [[0, PLANE_GREY], [1, PLANE_GREY]],
                "name": _("separating plane"),
            }
        )
    scene = {
        "legend": {"orientation": "h", "y": 0, "yanchor": "bottom", "itemsizing": "constant"},
        "scene": {"xaxis": axis_title(_("x (A)")), "yaxis": axis_title(_("y (B)")), "zaxis": axis_title("x·y")},
    }
    return figure(traces, layout(title=_("Lifted space: one plane separates XOR"), height=420, extra=scene))


def pid_figure(pid: Mapping[str, float]) -> go.Figure:
    """Bars of the four PID atoms in bits."""
    names = {"redundancy": N_("redundancy"), "unique_a": N_("unique to A"), "unique_b": N_("unique to B")}
    names["synergy"] = N_("synergy")
    values = [pid[n] for n in names]
    bars = {
        "type": "bar",
        "x": [_(label) for label in names.values()],
        "y": values,
        "text": [f"{v:.3f}" for v in values],
        "textposition": "outside",
        "marker": {"color": ["#999", MODALITY_COLORS["a"], MODALITY_COLORS["b"], "#d62728"]},
    }
    extra = {"yaxis": {"title": {"text": _("bits")}, "range": [0, 1.2]}}
    return figure([bars], layout(title=_("Partial information decomposition (Williams–Beer)"), height=300, extra=extra))
