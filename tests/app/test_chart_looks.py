"""What a page says and draws, read from the page: one look per method across its charts, chance levels beside
accuracies, and no verdict before the first training step."""

import json
import re

import pytest

from mmplay.labs import CATALOG
from mmplay.viz.palette import LOOKS, look
from tests.app.helpers import page


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def named_lines(fig: dict) -> dict[str, tuple[str, str]]:
    """``{legend name: (colour, dash)}`` of a figure's named line traces (scatter plots with a line)."""
    out = {}
    for trace in fig["data"]:
        line = trace.get("line", {})
        if trace.get("type") == "scatter" and "lines" in trace.get("mode", "lines") and "name" in trace:
            out[trace["name"]] = (line.get("color"), line.get("dash", "solid"))
    return out


def trained_one_step(slug: str):
    at = page(slug).run()
    at.button(key=f"{slug}.run.step").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("slug", [lab.slug for lab in CATALOG])
def test_one_method_one_look_across_a_pages_charts(slug):
    seen: dict[str, tuple[str, str]] = {}
    for fig in figures(trained_one_step(slug)):
        lines = named_lines(fig)
        assert len(set(lines.values())) == len(lines), f"two lines look alike in {fig['layout'].get('title')}: {lines}"
        for name, style in lines.items():
            assert seen.setdefault(name, style) == style, f"{name!r} changes look between charts"


def test_the_same_method_name_keeps_its_colour_on_every_page():
    assert look("naive fusion") == LOOKS["naive fusion"]
    assert look("some name no chart uses") == look("some name no chart uses")  # stable, not random
    for slug in ("gating", "fusion"):
        for fig in figures(trained_one_step(slug)):
            for name, (color, _) in named_lines(fig).items():
                if name == "A only":
                    assert color == LOOKS["A only"].color


PERCENT = re.compile(r"^\d+(\.\d+)?%$")


@pytest.mark.parametrize("slug", ["gating", "missing", "dominance", "fusion", "contrastive"])
def test_every_accuracy_or_recall_card_comes_with_its_chance_level(slug):
    at = trained_one_step(slug)
    assert any(PERCENT.match(m.value) for m in at.metric)
    chance = [c.value for c in at.caption if "Chance level" in c.value]
    assert chance, "a percentage metric without its chance level"
    assert re.search(r"\*\*\d+(\.\d+)?%\*\*", chance[0])


def test_contrastive_recall_chance_is_k_over_the_held_out_pairs():
    at = trained_one_step("contrastive")
    caption = next(c.value for c in at.caption if "Chance level" in c.value)
    pairs = int(re.search(r"of ([\d,]+) held-out", caption).group(1).replace(",", ""))
    assert f"**{1 / pairs:.1%}** at k = 1" in caption and f"**{5 / pairs:.1%}** at k = 5" in caption


def test_gating_draws_no_verdict_before_training():
    at = page("gating").run()
    text = " ".join(c.value for c in at.caption)
    assert "Press ▶ Play" in text and "naive fusion is" not in text
    at.button(key="gating.run.step").click().run()
    text = " ".join(c.value for c in at.caption)
    assert "naive fusion is" in text and "Press ▶ Play" not in text


@pytest.mark.parametrize("slug", ["dominance", "contrastive"])
def test_no_improvement_arrows_at_step_zero(slug):
    at = page(slug).run()
    assert not at.exception
    assert all(not m.proto.delta for m in at.metric), [m.proto.delta for m in at.metric]
    assert any("Press ▶ Play" in c.value for c in at.caption)
    at = trained_one_step(slug)
    assert any(m.proto.delta for m in at.metric)
