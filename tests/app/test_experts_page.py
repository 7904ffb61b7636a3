"""Experts page: the analytic part reacts to its sliders; the bias slider re-scores without retraining."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "experts.py")


def test_pulling_means_together_puts_moe_between_the_experts():
    at = AppTest.from_file(PAGE, default_timeout=90).run()
    assert not at.exception
    assert any("above the largest expert" in w.value for w in at.warning)
    at.slider(key="experts.mu1").set_value(-1.0).run()
    assert not at.exception
    assert not any("above the largest expert" in w.value for w in at.warning)
    assert any("Law of total variance" in i.value for i in at.info)


def test_bias_change_keeps_the_trained_experts():
    at = AppTest.from_file(PAGE, default_timeout=90).run()
    at.button(key="experts.run.step").click().run()
    run_before = at.session_state["experts.run"].run
    at.slider(key="experts.bias").set_value(1.0).run()
    assert not at.exception
    assert at.session_state["experts.run"].run is run_before
    assert at.query_params["bias"] in ("1.0", ["1.0"])
