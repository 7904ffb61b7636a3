"""Unvalidated figures: what Plotly's validation would build, or a failing test (MMPLAY_CHECK_FIGURES)."""

import copy
import json
import pickle

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest

from mmplay.viz.figure import SpecFigure, check, default_template, figure
from mmplay.viz.style import TITLE_CHARS, log_axis, text_width, wrapped_title


def test_a_figure_serialises_as_the_validated_one():
    x = np.linspace(0, 1, 5)
    traces = [{"type": "scatter", "x": x, "y": x**2, "marker": {"color": ["red"] * 5}, "name": "n"}]
    layout = {"title": {"text": "t"}, "xaxis": {"range": [0, 1]}}
    fast = figure(traces, layout)
    validated = go.Figure(data=[go.Scatter(x=x, y=x**2, marker_color=["red"] * 5, name="n")], layout=layout)
    assert json.loads(plotly.io.to_json(fast)) == json.loads(plotly.io.to_json(validated))
    assert fast.to_dict()["layout"]["template"] is default_template()  # shared, not copied
    assert isinstance(fast.data[0].x, np.ndarray) and fast.to_dict() == fast.to_dict()  # serialising mutates nothing


def test_serialising_a_figure_does_not_build_it_and_reading_it_builds_the_same_figure():
    """A live tick serialises its figures and reads nothing else: building the ``go.Figure`` (≈ 0.9 ms for six
    lines) waits until something reads it, and then gives what was serialised."""
    x = np.linspace(0, 1, 4)
    fast = figure([{"type": "scatter", "x": x, "y": x, "name": "n"}], {"title": {"text": "t"}})
    before = plotly.io.to_json(fast)
    assert "_data" not in fast.__dict__  # serialised, not built
    assert fast.layout.title.text == "t" and "_data" in fast.__dict__
    assert json.loads(plotly.io.to_json(fast)) == json.loads(before)
    for again in (copy.deepcopy(fast), pickle.loads(pickle.dumps(fast))):
        assert json.loads(plotly.io.to_json(again)) == json.loads(before)
    fast.update_layout(height=200)  # a built figure is a plain go.Figure
    assert fast.to_dict()["layout"]["height"] == 200


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
        check(SpecFigure([trace], {}))
    check(SpecFigure([{"type": "scatter", "x": [1]}], {}))


def test_log_axes_label_powers_of_ten_or_whole_values_never_bare_digits():
    assert log_axis([0.01, 3.0])["dtick"] == 1  # decades: 10⁻², 10⁻¹, 10⁰
    within = log_axis([2.31, 2.62])  # one decade: Plotly's own ticks there are small "2, 3, 4" digits
    step = float(within["dtick"][1:])
    assert within["dtick"].startswith("L") and 0.31 / step <= 5 and step in (0.05, 0.1)
    assert log_axis([]) == {"type": "log"}


def test_chart_titles_wrap_in_as_few_balanced_lines_as_they_need():
    assert wrapped_title("Gate open rate") == ("Gate open rate", 1)
    assert wrapped_title("Accuracy vs corruption of B") == ("Accuracy vs<br>corruption of B", 2)  # no lone "B"
    long = "What each encoder learned (linear probe) vs training it alone"
    text, count = wrapped_title(long)
    assert count == 3 and all(len(line) <= TITLE_CHARS for line in text.split("<br>"))


def test_chinese_chart_titles_break_between_words():
    """A CJK title wraps by display width (a character takes two columns) and breaks after a clause or before a
    bracket, not inside a word: "梯<br>度范数" is what the plain narrowest wrap gave."""
    for title, lines in [
        ("到达各编码器的梯度范数（对数）", ["到达各编码器的梯度范数", "（对数）"]),
        ("准确率（点线：随机水平 50 %，虚线：98%）", ["准确率（点线：随机水平", "50 %，虚线：98%）"]),
        ("各编码器学到了什么（线性探针），对比单独训练", ["各编码器学到了什么", "（线性探针），对比单独训练"]),
        ("准确率随缺失率的变化 —— 缺失 A 或 B", ["准确率随缺失率的变化", "—— 缺失 A 或 B"]),  # was "…的变<br>化 ——"
    ]:
        text, count = wrapped_title(title)
        assert text.split("<br>") == lines and count == len(lines)
        assert all(text_width(line) <= TITLE_CHARS for line in lines)
