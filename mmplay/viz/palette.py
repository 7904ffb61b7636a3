"""One look per method: every trace named after a method gets the same colour, dash and marker in every chart.

A look is ``(colour, dash, symbol)``. Colours are the Okabe–Ito set without its black and yellow (each vanishes
on one of Streamlit's two themes), so a method keeps its colour in light and dark mode and for colour-blind
readers; dash and marker tell apart lines that lie on top of each other. :func:`dress` gives a trace its look by
its legend name, unless the trace sets its own colour. Names not listed here get a look from a stable hash of the
name (CRC-32), the same in every chart and every process. A listed name translated into the session's language
(a Chinese legend) keeps the English name's look.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Mapping
from typing import Any, NamedTuple

from mmplay.i18n import catalog, current_language

BLUE, ORANGE, GREEN, VERMILLION, PINK, SKY, GREY, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#8C8C8C",
    "#7B5AA6",
)
COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PINK, SKY, PURPLE)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star")


class Look(NamedTuple):
    """How one method is drawn: line and marker colour, line dash, marker symbol."""

    color: str
    dash: str = "solid"
    symbol: str = "circle"


MODALITY_A = Look(BLUE, "solid", "circle")
MODALITY_B = Look(ORANGE, "dash", "square")
FUSED = Look(GREEN, "solid", "diamond")

LOOKS: dict[str, Look] = {
    # one modality, or the other, or both
    **dict.fromkeys(("A only", "A only (x)", "expert A", "probe A", "set A", "modality A", "A → B"), MODALITY_A),
    **dict.fromkeys(
        ("B only", "B only (y)", "B only (corrupted)", "expert B", "probe B", "set B", "modality B", "B → A"),
        MODALITY_B,
    ),
    **dict.fromkeys(("fused", "complete data", "clean"), FUSED),
    "fused, A missing": Look(VERMILLION, "dot", "x"),
    "B always missing": Look(VERMILLION, "dot", "x"),
    "strongest corruption": Look(VERMILLION, "dot", "x"),
    "‖∇ encoder A‖": MODALITY_A,
    "‖∇ encoder B‖": MODALITY_B,
    # synergy
    "late sum of logits": Look(VERMILLION, "dot", "x"),
    "linear on [x, y]": Look(PINK, "dashdot", "triangle-up"),
    "linear on [x, y, x·y]": Look(GREEN, "solid", "diamond"),
    "MLP on [x, y]": Look(PURPLE, "longdash", "star"),
    # experts
    "PoE (product)": Look(VERMILLION, "solid", "diamond"),
    "MoE (mixture)": Look(GREEN, "dash", "triangle-up"),
    # fusion
    "ℓA + ℓB − logit π": Look(GREEN, "solid", "diamond"),
    "ℓA + ℓB (prior twice)": Look(VERMILLION, "dash", "x"),
    "LR on [xA, xB]": Look(PINK, "dashdot", "triangle-up"),
    "exact Bayes": Look(PURPLE, "dot", "star"),
    "concat-MLP": Look(VERMILLION, "dash", "x"),
    "mean-pool MLP": Look(PINK, "dashdot", "triangle-up"),
    "cross-attention": Look(GREEN, "solid", "diamond"),
    # gating
    "naive fusion": Look(VERMILLION, "dot", "x"),
    "rule gate (JS + typicality)": Look(GREEN, "solid", "diamond"),
    "rule gate: fusion open": Look(GREEN, "solid", "diamond"),
    "learned soft gate": Look(PINK, "dashdot", "triangle-up"),
    "entropy-only rule": Look(SKY, "longdash", "cross"),
    # missing modalities
    "zero-fill": Look(VERMILLION, "dot", "x"),
    "mean-fill": Look(ORANGE, "dash", "square"),
    "conditional Gaussian E[x_m | x_o]": Look(BLUE, "solid", "circle"),
    "learned regressor": Look(SKY, "longdash", "cross"),
    "modality dropout": Look(GREEN, "solid", "diamond"),
    "dropout + imputation": Look(PINK, "dashdot", "triangle-up"),
    # contrastive
    "raw features": Look(GREY, "dot", "x"),
    "untrained encoder": Look(ORANGE, "dash", "square"),
    "trained encoder": Look(GREEN, "solid", "diamond"),
    "alignment (↓)": Look(GREEN, "solid", "diamond"),
    "uniformity (↓)": Look(PURPLE, "dash", "star"),
}
LINE_TYPES = ("scatter", "scattergl")


@functools.cache
def translated_looks(language: str) -> dict[str, Look]:
    """:data:`LOOKS` keyed by each name's translation into ``language`` (a legend shows the translated name)."""
    table = catalog(language)
    return {table.gettext(name): style for name, style in LOOKS.items()}


def look(name: str) -> Look:
    """``name``'s look: listed in :data:`LOOKS` (in English or translated into the current language), else picked
    by the name's CRC-32 (stable across processes)."""
    if name in LOOKS:
        return LOOKS[name]
    translated = translated_looks(current_language()).get(name)
    if translated is not None:
        return translated
    code = zlib.crc32(name.encode())
    return Look(COLORS[code % len(COLORS)], DASHES[code // 7 % len(DASHES)], SYMBOLS[code // 49 % len(SYMBOLS)])


def dress(trace: Mapping[str, Any]) -> dict[str, Any]:
    """``trace`` with its name's look (line colour and dash, marker colour and symbol; a bar's colour), unless it
    has no name or already sets a colour."""
    out = dict(trace)
    name, kind = out.get("name"), out.get("type")
    line, marker = dict(out.get("line", {})), dict(out.get("marker", {}))
    if not isinstance(name, str) or "color" in line or "color" in marker:
        return out
    style = look(name)
    if kind in LINE_TYPES:
        out["line"] = {"color": style.color, "dash": style.dash, **line}
        out["marker"] = {"color": style.color, "symbol": style.symbol, **marker}
    elif kind in ("bar", "histogram"):
        out["marker"] = {"color": style.color, **marker}
    return out
