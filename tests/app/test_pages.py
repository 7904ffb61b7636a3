"""Every page renders in Streamlit's AppTest without an exception; controls do what they say."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from mmplay.config import config_to_strings
from mmplay.labs import CATALOG, LABS
from mmplay.labs.lessons import lessons
from tests.app.helpers import ROOT, page


def test_app_entry_point_renders_home_with_a_link_to_every_lab():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("mmplay" in t.value for t in at.title)
    links = [link.proto for link in at.get("page_link")]
    assert sorted(link.page for link in links if not link.query_string) == sorted(lab.slug for lab in CATALOG)
    lesson_links = [link.query_string for link in links if link.query_string]
    assert len(lesson_links) == 2 * len(lessons()) and all("step=1" in q for q in lesson_links)


def shown(at) -> list[str]:
    """What a page shows that training changes: its metric values and its charts."""
    return [m.value for m in at.metric] + [chart.proto.spec for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("slug", [lab.slug for lab in CATALOG])
def test_every_lab_page_renders_and_step_changes_what_it_shows(slug):
    at = page(slug).run()
    assert not at.exception
    before = shown(at)
    assert before
    at.button(key=f"{slug}.run.step").click().run()
    assert not at.exception
    assert shown(at) != before


def rows_of(node, kind: str) -> list[int]:
    """How many ``kind`` elements (``metric``, ``plotly_chart``) each block of the page holds directly, for the blocks
    that hold any."""
    kids = getattr(node, "children", None)
    if not isinstance(kids, dict):
        return []
    here = sum(getattr(child, "type", "") == kind for child in kids.values())
    return ([here] if here else []) + [n for child in kids.values() for n in rows_of(child, kind)]


@pytest.mark.parametrize(
    "slug, kind, rows",
    [
        ("gating", "metric", [6]),
        ("missing", "metric", [6]),
        ("fusion", "metric", [4]),
        ("dominance", "metric", [5]),
        ("contrastive", "plotly_chart", [2, 3]),
        ("fusion", "plotly_chart", [2]),
    ],
)
def test_a_row_of_cards_or_charts_is_one_block_to_send_each_tick(slug, kind, rows):
    """Each live tick resends the cards and charts; in ``st.columns(k)`` a row was k + 1 blocks to send (one message
    each, ≈ 0.15 ms of server CPU apiece), in one horizontal container it is one."""
    at = page(slug).run()
    assert not at.exception
    found = rows_of(at._tree, kind)
    assert all(count in found for count in rows), found


def test_synergy_play_trains_and_pause_stops():
    at = page("synergy").run()
    at.button(key="synergy.run.play").click().run()
    assert not at.exception
    assert "Step 20" in " ".join(m.value for m in at.markdown)  # one tick at the default speed
    at.button(key="synergy.run.pause").click().run()
    assert at.session_state["synergy.run"].playing is False
    assert at.button(key="synergy.run.play")


def test_synergy_reads_its_config_from_the_url():
    at = page("synergy", preset="and", noise="0.2").run()
    assert not at.exception
    assert at.selectbox(key="synergy.preset").value == "and"
    assert at.slider(key="synergy.noise").value == pytest.approx(0.2)
    assert not at.warning


def test_bad_url_values_fall_back_with_a_notice():
    at = page("synergy", noise="abc", preset="nand").run()
    assert not at.exception
    assert at.warning and "noise" in at.warning[0].value
    assert at.slider(key="synergy.noise").value == pytest.approx(0.3)
    assert at.selectbox(key="synergy.preset").value == "xor"


def test_predict_first_locks_in_and_grades():
    at = page("synergy").run()
    at.multiselect(key="synergy.predict.choice").select("interaction").select("mlp").run()
    at.button(key="synergy.predict.lock").click().run()
    for _ in range(3):
        at.button(key="synergy.run.step").click().run()
    assert not at.exception
    text = " ".join(s.value for s in [*at.success, *at.info])
    assert "You predicted" in text


@pytest.mark.parametrize("slug", [lab.slug for lab in CATALOG])
def test_every_knob_given_garbage_falls_back_to_its_default_with_a_notice(slug):
    cls = LABS[slug].config
    names = [field.name for field in dataclasses.fields(cls)]
    at = page(slug, **dict.fromkeys(names, "1e999💥")).run()
    assert not at.exception, at.exception
    notices = " ".join(w.value for w in at.warning)
    assert all(name in notices for name in names)
    url = {key: at.query_params[key] for key in at.query_params}
    assert {k: v[0] if isinstance(v, list) else v for k, v in url.items()} == config_to_strings(cls())


def test_claims_are_listed_before_training_and_checked_only_after():
    at = page("synergy").run()
    text = " ".join(m.value for m in at.markdown)
    assert "⏳ A alone (x) stays near chance" in text
    assert "✅" not in text and "❌" not in text
    at.button(key="synergy.run.step").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "✅ A alone (x) stays near chance: ≤ 62% test accuracy — now **" in text
