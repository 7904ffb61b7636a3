"""Export: a zip with a README (what each file holds, and the link back to these settings, in the session's
language), the config (JSON), the metrics at the user's settings and the training history (CSV), and the
figures (HTML)."""

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

from mmplay.config import config_to_strings
from mmplay.i18n import _
from mmplay.labs import LABS


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


def export_readme(lab: str, config: Any, steps: int) -> str:
    """The bundle's README.md: the lab, how far it trained, each file's contents, the URL query to reopen it."""
    query = "&".join(f"{key}={value}" for key, value in config_to_strings(config).items())
    return "\n".join(
        [
            _("# mmplay export: {lab}", lab=str(LABS[lab].entry.title)),
            "",
            _(
                "Trained for {steps} steps. Open these settings again: `/{lab}?{query}`",
                steps=steps,
                lab=lab,
                query=query,
            ),
            "",
            _("- `config.json`: the lab's settings (the knobs of the page)."),
            _("- `metrics.csv`: every metric at your settings (`metric,value`)."),
            _("- `history.csv`: one row per training snapshot (step, losses, metrics)."),
            _("- `figures.html`: the page's charts, interactive; it works offline."),
            "",
        ]
    )


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
        steps = int(rows[-1]["step"]) if rows else 0
        bundle.writestr("README.md", export_readme(lab, config, steps))
        bundle.writestr("config.json", json.dumps({"lab": lab, "config": asdict(config)}, indent=2))
        bundle.writestr("metrics.csv", history_csv([{"metric": k, "value": v} for k, v in sorted(metrics.items())]))
        bundle.writestr("history.csv", history_csv(rows))
        parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figures.values())]
        bundle.writestr("figures.html", "<html><meta charset='utf-8'><body>" + "\n".join(parts) + "</body></html>")
    return buffer.getvalue()


def export_button(lab: str, make_bundle: Callable[[], bytes], key: str) -> None:
    """A download button whose zip is built only when clicked."""
    st.download_button(
        _("⬇ Export (config, metrics, figures)"),
        data=make_bundle,
        file_name=f"mmplay-{lab}.zip",
        mime="application/zip",
        key=key,
        on_click="ignore",
    )
