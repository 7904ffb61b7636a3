"""Shared colours and layout defaults so every lab reads the same way."""

from __future__ import annotations

import functools
import math
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mmplay.viz.figure import Spec, merge
from mmplay.viz.palette import FUSED, MODALITY_A, MODALITY_B

MODALITY_COLORS = {"a": MODALITY_A.color, "b": MODALITY_B.color, "fused": FUSED.color}
CLASS_COLORS = ("#3b6fb6", "#d1495b")  # class 0 (blue), class 1 (red)
DIVERGING = [[0.0, "#3b6fb6"], [0.5, "#f7f7f7"], [1.0, "#d1495b"]]
TITLE_CHARS = 26  # a chart title wraps after this many characters: a third of a 1024 px page (with sidebar) holds that
FONT_PX = 13  # chart text (ticks, legends, hover): readable on a projector
TITLE_PX = 14


NO_LINE_START = frozenset("，。、：；！？）》」』】,.:;!?)%")  # punctuation that stays with what it follows
NO_LINE_END = frozenset("（《「『【(—")  # punctuation that stays with what follows it (a dash opens what follows)
SOFT_BREAKS = frozenset("，：；、。 ")  # a Chinese line reads best broken after these (a clause ends there)


def text_width(text: str) -> int:
    """Columns ``text`` takes: 2 for each wide (CJK) character, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def soft_split(line: str, width: int) -> tuple[str, str]:
    """``line`` cut after its last clause end (:data:`SOFT_BREAKS`) or before an opening bracket, when what
    follows the cut is at most half of ``width`` columns (it moves to the next line: "随机水平" stays whole), else
    not cut: ``(head, carried)``."""
    for cut in range(len(line) - 1, 0, -1):
        if text_width(line[cut:]) > width // 2:
            break
        if line[cut - 1] in SOFT_BREAKS or line[cut] in NO_LINE_END:
            return line[:cut].rstrip(), line[cut:].lstrip()
    return line.rstrip(), ""


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` (with CJK characters) in lines of at most ``width`` columns (see :func:`text_width`): a line may
    break between two CJK characters or at a space, never inside a Latin word, before closing punctuation nor
    after opening punctuation; it prefers to break after a clause's end (:func:`soft_split`)."""
    units: list[str] = []  # words, single CJK characters (with the punctuation after them) and spaces
    for piece in re.findall(r"\s+|[^\s]", text):
        wide = text_width(piece) == 2
        if piece.isspace():
            units.append(" ")
        elif units and units[-1] != " " and (piece in NO_LINE_START or not (wide or text_width(units[-1][-1]) == 2)):
            units[-1] += piece
        else:
            units.append(piece)
    for i in range(len(units) - 2, -1, -1):
        if units[i][-1] in NO_LINE_END and units[i + 1] != " ":
            units[i : i + 2] = [units[i] + units[i + 1]]
    lines, line = [], ""
    for unit in units:
        if unit == " ":
            line += " " if line else ""
        elif line and text_width((line + unit).rstrip()) > width:
            head, carried = soft_split(line, width)
            lines.append(head)
            line = carried + unit
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def breaks_between_words(lines: list[str]) -> bool:
    """Whether every break of ``lines`` falls after a clause's end, before an opening bracket, or between two
    Latin words — not inside a Chinese word (which a reader of "梯<br>度" must piece back together)."""
    return all(
        head[-1] in SOFT_BREAKS or tail[0] in NO_LINE_END or (text_width(head[-1]) == 1 and text_width(tail[0]) == 1)
        for head, tail in zip(lines, lines[1:])
    )


def _wrap(text: str, width: int) -> list[str]:
    if text_width(text) == len(text):
        return textwrap.wrap(text, width, break_on_hyphens=False)
    return wrap_wide(text, width)


@functools.lru_cache(maxsize=1024)  # a pure function of the text, asked by every figure on every live tick
def wrapped_title(title: str) -> tuple[str, int]:
    """``title`` in as few lines of at most :data:`TITLE_CHARS` columns as it needs (a CJK character takes two),
    balanced: the narrowest width that still gives that many lines ("Accuracy vs / corruption of B", not
    "Accuracy vs corruption of / B") and, among those, breaks between words (:func:`breaks_between_words`) when
    one has them; the lines joined by ``<br>``, and their count."""
    fewest = len(_wrap(title, TITLE_CHARS)) or 1
    widths = [w for w in range(max(1, text_width(title) // fewest), TITLE_CHARS + 1) if len(_wrap(title, w)) <= fewest]
    width = next((w for w in widths if breaks_between_words(_wrap(title, w))), widths[0])
    lines = _wrap(title, width) or [""]
    return "<br>".join(lines), len(lines)


def layout(
    *, title: str = "", height: int = 320, uirevision: str = "keep", extra: Mapping[str, Any] | None = None
) -> Spec:
    """Compact margins, a title (wrapped, never cut by a narrow column), 13 px text, and ``uirevision`` so zoom
    survives live updates; ``extra`` merged on top."""
    text, lines = wrapped_title(title)
    base = {
        "title": {"text": text, "x": 0.0, "font": {"size": TITLE_PX}},
        "font": {"size": FONT_PX},
        "height": height + 20 * (lines - 1),
        "margin": {"l": 45, "r": 10, "t": 22 + 20 * lines if title else 10, "b": 40},
        "uirevision": uirevision,
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "font": {"size": FONT_PX}},
        "xaxis": {"tickfont": {"size": FONT_PX}},  # Streamlit's theme sets 12 px ticks unless the figure says
        "yaxis": {"tickfont": {"size": FONT_PX}},
    }
    return merge(base, extra or {})


def axis_title(text: str) -> Spec:
    """An axis's ``title`` entry."""
    return {"title": {"text": text}}


def log_axis(values: Sequence[float]) -> Spec:
    """A log axis for ``values`` whose every label is a whole number at full size — never the small bare digits
    ("2, 5", "2, 3, 4") Plotly writes between powers of ten. Over a decade or more: labels at powers of ten,
    the rest grid lines. Within one decade: labels every ``step`` in value (``dtick = "L<step>"``), ``step``
    the first of 1, 2, 5 × 10ᵏ that gives at most five of them."""
    array = np.asarray(values, dtype=float)
    positive = array[array > 0]
    if not positive.size:
        return {"type": "log"}
    lo, hi = float(positive.min()), float(positive.max())
    if hi >= 10 * lo:
        return {"type": "log", "dtick": 1, "exponentformat": "power", "minor": {"dtick": "D1", "showgrid": True}}
    span = max(hi - lo, hi * 1e-6)
    exponent = math.floor(math.log10(span / 5))
    step = next(m * 10**exponent for m in (1, 2, 5, 10) if span / (m * 10**exponent) <= 5)
    return {"type": "log", "dtick": f"L{step:g}", "tick0": 0}
