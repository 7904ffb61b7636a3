"""Plotly figures from plain dicts, built without Plotly's per-property validation.

Building a ``go.Figure`` through ``go.Scatter(...)`` and ``update_layout(...)`` validates every
property and parses every ``a_b_c`` path: on a live page that was most of a training tick's
server time (synergy: 72 ms of figures per tick against 0.3 ms of JSON). Here a figure is
``{"data": traces, "layout": layout}`` with nested dicts (no ``a_b_c`` paths to parse), handed to
``go.Figure(..., _validate=False)``.

Tests run with ``MMPLAY_CHECK_FIGURES=1`` (set in ``tests/conftest.py``): then every figure is also
built the validated way and must serialise to the same JSON — a misspelt property, a bad value
or a named colour scale (which validation would expand) fails the test that drew it.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

from mmplay.viz.palette import dress

Spec = dict[str, Any]


@functools.cache
def default_template() -> Spec:
    """Plotly's default template as a dict. Streamlit recognises it and draws the chart in its own theme
    (another template, or none, changes the colours), so every figure carries it — shared, not copied."""
    return plotly.io.templates[plotly.io.templates.default].to_plotly_json()


class SharedTemplateFigure(go.Figure):
    """A ``go.Figure`` built with an empty template whose ``to_dict`` (what Streamlit and the export
    serialise) puts back :func:`default_template` by reference: Plotly would deep-copy its 8 kB into
    every figure (3.5 ms per figure, per tick)."""

    def to_dict(self) -> Spec:
        """The figure as Plotly's ``to_dict`` gives it (numpy arrays as typed-array specs), built by
        :func:`wire_copy` instead of a deep copy of every number, with the shared template."""
        out = {"data": [wire_copy(trace) for trace in self._data], "layout": wire_copy(self._layout)}
        out["layout"]["template"] = default_template()
        return out


def wire_copy(value: Any, key: str = "") -> Any:
    """A copy of a figure's property tree for serialising: containers that hold containers are copied,
    numpy arrays become Plotly's base64 typed-array specs (as ``to_dict`` does; not under ``range``
    and the other keys Plotly skips), and lists of plain values are shared, not copied."""
    if isinstance(value, dict):
        return {k: wire_copy(v, k) for k, v in value.items()}
    if is_homogeneous_array(value) and not is_skipped_key(key):
        return to_typed_array_spec(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value):
        return [wire_copy(v) for v in value]
    return value


def figure(traces: Sequence[Mapping[str, Any]], layout: Mapping[str, Any]) -> go.Figure:
    """``go.Figure`` of ``traces`` (dicts with a ``type``; each dressed in its method's look, see
    :mod:`mmplay.viz.palette`) and ``layout`` (nested dicts), unvalidated."""
    fig = SharedTemplateFigure(data=[dress(t) for t in traces], layout={**layout, "template": {}}, _validate=False)
    if os.environ.get("MMPLAY_CHECK_FIGURES") == "1":
        check(fig)
    return fig


def check(fig: go.Figure) -> None:
    """Raise if ``fig`` is not what Plotly's validation would build from the same spec."""
    fast = plotly.io.to_json(fig, validate=False)
    spec = fig.to_dict()
    del spec["layout"]["template"]  # a validated figure gets the default one itself
    checked = plotly.io.to_json(go.Figure(spec), validate=False)
    if json.loads(fast) != json.loads(checked):
        raise ValueError(f"figure differs once validated:\n{fast[:2000]}\n!=\n{checked[:2000]}")


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> Spec:
    """``base`` updated by ``extra``, nested dicts merged key by key (``extra`` wins)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
