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


class SpecFigure(go.Figure):
    """A ``go.Figure`` that keeps its spec (trace dicts and a layout dict) until something other than serialising
    reads it, and serialises with :func:`default_template` shared, not copied.

    Building the ``go.Figure`` itself, even unvalidated, makes an object per trace and sets every property (≈ 0.9 ms
    for a six-line chart, on every live tick, to be taken apart again by ``to_dict``). ``to_dict`` (what Streamlit
    and the export serialise) reads the spec instead; the first other attribute looked up (``fig.data``,
    ``update_layout``, …) builds the figure, unvalidated, from the same spec, so it is the same figure.
    Plotly would also deep-copy its 8 kB template into every figure (3.5 ms per figure, per tick).
    """

    def __init__(self, data: Any = None, layout: Mapping[str, Any] | None = None) -> None:
        """``data``: trace dicts, or a whole figure dict (``{"data", "layout"}``, as a copy or a pickle rebuilds
        it)."""
        if isinstance(data, Mapping):
            data, layout = data.get("data"), data.get("layout")
        spec = {"data": list(data or []), "layout": {**(layout or {}), "template": {}}}
        self.__dict__["_spec"] = spec  # BaseFigure.__setattr__ would look the name up (and build the figure)

    def __getattr__(self, name: str) -> Any:
        """Called for any attribute not found (all of a built figure's state): build it, then look again."""
        spec = self.__dict__.pop("_spec", None)
        if spec is None:
            raise AttributeError(name)
        go.Figure.__init__(self, data=spec["data"], layout=spec["layout"], _validate=False)
        return getattr(self, name)

    def to_dict(self) -> Spec:
        """The figure as Plotly's ``to_dict`` gives it (numpy arrays as typed-array specs), built by
        :func:`wire_copy` instead of a deep copy of every number, with the shared template."""
        spec = self.__dict__.get("_spec") or {"data": self._data, "layout": self._layout}
        out = {"data": [wire_copy(trace) for trace in spec["data"]], "layout": wire_copy(spec["layout"])}
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
    fig = SpecFigure([dress(t) for t in traces], layout)
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
