"""Export: a zip with the config (JSON), the metrics at the user's settings and the training history
(CSV), and the figures (HTML)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import plotly.graph_objects as go
import streamlit as st


def history_csv(rows: Sequence[Mapping[str, float]]) -> str:
    """Rows of ``{column: value}`` as CSV text; columns are the union, in first-seen order."""
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def export_zip(
    lab: str,
    config: Any,
    metrics: Mapping[str, float],
    rows: Sequence[Mapping[str, float]],
    figures: Mapping[str, go.Figure],
) -> bytes:
    """The bundle's bytes; the first figure embeds plotly.js so the HTML works offline.

    ``metrics.csv``: ``metric,value`` at ``config`` (the user's settings, test-time knobs included);
    ``history.csv``: one row per training snapshot (evaluated at the training settings).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("config.json", json.dumps({"lab": lab, "config": asdict(config)}, indent=2))
        bundle.writestr("metrics.csv", history_csv([{"metric": k, "value": v} for k, v in sorted(metrics.items())]))
        bundle.writestr("history.csv", history_csv(rows))
        parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figures.values())]
        bundle.writestr("figures.html", "<html><meta charset='utf-8'><body>" + "\n".join(parts) + "</body></html>")
    return buffer.getvalue()


def export_button(lab: str, make_bundle: Callable[[], bytes], key: str) -> None:
    """A download button whose zip is built only when clicked."""
    st.download_button(
        "⬇ Export (config, metrics, figures)",
        data=make_bundle,
        file_name=f"mmplay-{lab}.zip",
        mime="application/zip",
        key=key,
        on_click="ignore",
    )
