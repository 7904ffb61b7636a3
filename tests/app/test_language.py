"""The interface language: ``?lang=``, the sidebar switch, and a run that keeps playing through a switch."""

from streamlit.testing.v1 import AppTest

from mmplay.ui.language import SWITCH_KEY
from tests.app.helpers import ROOT, page


def cjk_share(texts: list[str]) -> float:
    """The share of CJK ideographs among the letters of ``texts``."""
    letters = [c for text in texts for c in text if c.isalpha()]
    return sum("\u4e00" <= c <= "\u9fff" for c in letters) / max(len(letters), 1)


def visible_text(at: AppTest) -> list[str]:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in getattr(at, kind)]
    return parts + [b.label for b in at.button]


def app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def test_lang_zh_in_the_url_speaks_chinese_and_the_switch_shows_it():
    at = app(lang="zh").run()
    assert not at.exception
    assert at.segmented_control(key=SWITCH_KEY).value == "zh"
    assert cjk_share(visible_text(at)) >= 0.6


def test_an_unknown_lang_is_named_and_english_kept():
    at = app(lang="xx").run()
    assert not at.exception
    assert any("lang='xx' ignored" in w.value for w in at.warning)
    assert at.segmented_control(key=SWITCH_KEY).value == "en"


def test_switching_language_keeps_a_playing_run_playing():
    at = page("synergy").run()
    at.button(key="synergy.run.play").click().run()
    state = at.session_state["synergy.run"]
    run, steps = state.run, state.run.trainer.steps_done
    assert state.playing and steps > 0
    at.session_state["mmplay.lang"] = "zh"  # what the switch's callback sets
    at.run()
    assert not at.exception
    state = at.session_state["synergy.run"]
    assert state.run is run, "the run was rebuilt"
    assert state.playing and run.trainer.steps_done > steps
    assert at.button(key="synergy.run.pause").label != "⏸ Pause"  # now in Chinese
    assert cjk_share(visible_text(at)) >= 0.6


def test_a_chinese_page_keeps_its_translated_choices_across_reruns():
    """The selectbox shows each choice's Chinese name; rerunning it (Step, then a new choice) must find them."""
    at = page("synergy", lang="zh").run()
    preset = at.selectbox(key="synergy.preset")
    assert "XOR（异或）" in preset.options
    at.button(key="synergy.run.step").click().run()
    assert not at.exception
    at.selectbox(key="synergy.preset").select("and").run()
    assert not at.exception
    assert at.selectbox(key="synergy.preset").value == "and"


def test_a_rerun_carrying_the_url_from_before_the_switch_keeps_the_new_language():
    """A click on the switch while a run plays: Streamlit merges the fragment's queued tick into the click's rerun,
    and that rerun can carry the URL from before the click (``lang=zh``). Measured in Chromium before the fix: the
    page stayed Chinese in 4 of 6 clicks. The stale URL must not undo the click, and the URL follows the choice."""
    at = app(lang="zh").run()
    at.session_state["mmplay.lang"] = "en"  # what the switch's callback set, in the run Streamlit then restarted
    at.query_params["lang"] = "zh"  # with the URL as the browser sent it with the queued tick
    at.run()
    assert not at.exception
    assert at.session_state["mmplay.lang"] == "en"
    assert at.segmented_control(key=SWITCH_KEY).value == "en"
    assert "lang" not in at.query_params


def test_a_new_lang_in_the_address_still_wins_over_the_switch():
    at = app().run()
    at.segmented_control(key=SWITCH_KEY).set_value("en").run()
    at.query_params["lang"] = "zh"  # the address edited by hand
    at.run()
    assert at.session_state["mmplay.lang"] == "zh"
    assert at.query_params["lang"] == "zh"
