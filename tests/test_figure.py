"""Unvalidated figures: what Plotly's validation would build, or a failing test (MMPLAY_CHECK_FIGURES)."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest

from mmplay.viz.figure import SharedTemplateFigure, check, default_template, figure


def test_a_figure_serialises_as_the_validated_one():
    x = np.linspace(0, 1, 5)
    traces = [{"type": "scatter", "x": x, "y": x**2, "marker": {"color": ["red"] * 5}, "name": "n"}]
    layout = {"title": {"text": "t"}, "xaxis": {"range": [0, 1]}}
    fast = figure(traces, layout)
    validated = go.Figure(data=[go.Scatter(x=x, y=x**2, marker_color=["red"] * 5, name="n")], layout=layout)
    assert json.loads(plotly.io.to_json(fast)) == json.loads(plotly.io.to_json(validated))
    assert fast.to_dict()["layout"]["template"] is default_template()  # shared, not copied
    assert isinstance(fast.data[0].x, np.ndarray) and fast.to_dict() == fast.to_dict()  # serialising mutates nothing


@pytest.mark.parametrize(
    "trace",
    [
        {"type": "scatter", "x": [1], "mode": "dots"},  # not one of the allowed values
        {"type": "scatter", "x": [1], "colour": "red"},  # no such property
        {"type": "heatmap", "z": [[1]], "colorscale": "RdBu"},  # validation would expand the name
    ],
)
def test_the_check_rejects_what_validation_would_change(trace):
    with pytest.raises(ValueError):
        check(SharedTemplateFigure(data=[trace], layout={"template": {}}, _validate=False))
    check(SharedTemplateFigure(data=[{"type": "scatter", "x": [1]}], layout={"template": {}}, _validate=False))
