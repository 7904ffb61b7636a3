"""Lesson links in AppTest: hidden parts, presentation mode, autoplay, where Play stops, the lesson stepper."""

import pytest
from streamlit.testing.v1 import AppTest

from mmplay.labs.lessons import lessons
from tests.app.helpers import ROOT, page


def through_app(slug: str, **query: str) -> AppTest:
    """``slug``'s page opened through ``app.py``'s navigation (links to other pages resolve), already run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for key, value in query.items():
        at.query_params[key] = value
    return at.switch_page(f"app_pages/{slug}.py").run()


def has_download(at) -> bool:
    return any(type(e).__name__ == "DownloadButton" for e in at.main.children.values())


def url(at) -> dict[str, str]:
    return {
        key: at.query_params[key][0] if isinstance(at.query_params[key], list) else at.query_params[key]
        for key in at.query_params
    }


def test_hidden_parts_are_not_drawn_and_hidden_knobs_still_apply():
    shown = page("synergy").run()
    assert [s for s in shown.slider if s.key == "synergy.noise"] and has_download(shown)
    at = page("synergy", hide="noise,predict,export,text", noise="0.2").run()
    assert not at.exception and not at.warning
    assert not [s for s in at.slider if s.key == "synergy.noise"]
    assert not [m for m in at.multiselect if m.key == "synergy.predict.choice"]
    assert not has_download(at)
    assert not [e for e in at.expander if e.label.startswith("📖")]
    assert at.session_state["synergy.run"].config.noise == pytest.approx(0.2)
    assert url(at)["hide"] == "export,noise,predict,text" and url(at)["noise"] == "0.2"


def test_an_unknown_part_to_hide_is_reported():
    at = page("synergy", hide="everything").run()
    assert not at.exception
    assert "hide='everything' ignored" in at.warning[0].value


def explanation(at):
    return next(e for e in at.expander if e.label.startswith("📖"))


def test_presentation_mode_opens_the_explanation_under_the_live_panel():
    plain = page("synergy").run()
    assert explanation(plain).proto.expanded is False
    assert plain.expander[0].label.startswith("📖")  # at the top of a plain page
    present = page("synergy", present="1").run()
    assert explanation(present).proto.expanded is True
    assert not present.expander[0].label.startswith("📖")  # below the live panel: Play stays on screen


def test_autoplay_starts_training_on_open():
    at = page("synergy", autoplay="1").run()
    assert at.session_state["synergy.run"].playing is True
    assert at.button(key="synergy.run.pause")
    assert page("synergy").run().session_state["synergy.run"].playing is False


def test_play_stops_at_the_links_steps():
    at = page("synergy", steps="30").run()
    for _ in range(3):
        at.button(key="synergy.run.step").click().run()
    assert at.session_state["synergy.run"].run.trainer.steps_done == 30
    assert "stops at step 30" in " ".join(c.value for c in at.caption)


def test_learning_rate_moves_on_a_log_scale():
    at = page("contrastive").run()
    stops = at.select_slider(key="contrastive.lr").options
    assert "0.003" in stops and "0.0001" in stops and "0.05" in stops
    at.select_slider(key="contrastive.lr").set_value(0.002).run()
    assert url(at)["lr"] == "0.002"


def test_a_lesson_step_shows_the_stepper_and_its_question():
    lesson = lessons()["synergy"]
    at = through_app("synergy", lesson="synergy", step="2", hide="sidebar,predict", autoplay="1")
    assert not at.exception and not at.warning
    text = " ".join(m.value for m in at.markdown)
    assert f"step **2 / {len(lesson.steps)}**" in text
    assert lesson.steps[1].question in text
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert links["**Next →**"].page == "synergy" and "step=3" in links["**Next →**"].query_string
    assert "step=1" in links["← Back"].query_string
    assert url(at)["lesson"] == "synergy" and url(at)["step"] == "2"


def test_an_unknown_lesson_is_reported_and_the_lab_still_opens():
    at = page("synergy", lesson="nope").run()
    assert not at.exception
    assert "not a shipped lesson" in " ".join(w.value for w in at.warning)
    assert at.button(key="synergy.run.play")


def test_steps_per_tick_come_from_the_link_and_go_back_into_it():
    at = page("synergy", speed="5").run()
    assert not at.exception and not at.warning
    assert at.select_slider(key="synergy.run.speed").value == 5
    at.button(key="synergy.run.step").click().run()
    assert at.session_state["synergy.run"].run.trainer.steps_done == 5
    assert url(at)["speed"] == "5"
    at.select_slider(key="synergy.run.speed").set_value(20).run()  # the lab's default: not written
    at.run()
    assert "speed" not in url(at)
    at.select_slider(key="synergy.run.speed").set_value(50).run()
    at.run()
    assert url(at)["speed"] == "50"


def test_a_locked_prediction_goes_into_the_link_and_a_link_locks_it():
    at = page("synergy").run()
    at.multiselect(key="synergy.predict.choice").select("interaction").select("mlp").run()
    at.button(key="synergy.predict.lock").click().run()
    assert url(at)["predict"] == "interaction,mlp"
    at.button(key="synergy.run.step").click().run()  # a later run keeps it (not taken for a new link)
    assert at.session_state["synergy.predict.locked"] == {"interaction", "mlp"}
    opened = page("synergy", predict="mlp,bogus").run()
    assert not opened.exception
    assert opened.session_state["synergy.predict.locked"] == {"mlp"}
    assert "bogus" in opened.warning[0].value
    assert not [m for m in opened.multiselect if m.key == "synergy.predict.choice"]  # locked: no question


def test_experts_closed_form_playground_opens_from_the_link_and_writes_back():
    at = page("experts", experts="-2.0:0.5:0.30,1.0:1.0:0.70,3.0:2.0:0.50").run()
    assert not at.exception and not [w for w in at.warning if "ignored" in w.value]
    assert at.slider(key="experts.count").value == 3
    assert at.slider(key="experts.mu0").value == pytest.approx(-2.0)
    assert at.slider(key="experts.sd2").value == pytest.approx(2.0)
    at.slider(key="experts.mu1").set_value(1.5).run()
    assert url(at)["experts"] == "-2.0:0.5:0.30,1.5:1.0:0.70,3.0:2.0:0.50"
    assert at.slider(key="experts.count").value == 3  # not reset as if a new link had opened
    bad = page("experts", experts="9:1:1,0:1:1").run()
    assert not bad.exception
    assert any("experts=" in w.value and "outside" in w.value for w in bad.warning)
    assert bad.slider(key="experts.count").value == 2
