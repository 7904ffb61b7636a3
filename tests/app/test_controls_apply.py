"""Controls that do not apply are disabled and say why; a kept run shows at once."""

import pytest

from tests.app.helpers import page


@pytest.mark.parametrize(
    ("slug", "query", "off", "on"),
    [
        ("dominance", {"method": "none"}, ["alpha", "modulation_start", "modulation_stop"], []),
        ("dominance", {"method": "grad_norm"}, ["alpha"], ["modulation_start"]),
        ("dominance", {"method": "ogm_ge"}, [], ["alpha", "modulation_start"]),
        ("contrastive", {"loss": "infonce"}, ["margin", "mining"], ["temperature", "learn_temperature"]),
        ("contrastive", {"loss": "triplet"}, ["temperature", "learn_temperature"], ["margin", "mining"]),
        ("alignment", {"preset": "digits"}, ["n", "dim", "noise", "warp"], []),
        ("alignment", {"preset": "warp"}, [], ["n", "warp"]),
    ],
)
def test_knobs_that_do_not_apply_are_disabled_with_the_reason(slug, query, off, on):
    at = page(slug, **query).run()
    assert not at.exception
    widgets = {
        w.key: w for kind in ("slider", "select_slider", "selectbox", "toggle", "number_input") for w in at.get(kind)
    }
    for name in off:
        assert widgets[f"{slug}.{name}"].disabled, name
    for name in on:
        assert not widgets[f"{slug}.{name}"].disabled, name
    reasons = [c.value for c in at.sidebar.caption if c.value.startswith("Not used now")]
    assert len(reasons) == len(off)


def test_changing_the_method_enables_alpha_in_the_same_rerun():
    at = page("dominance", method="none").run()
    assert at.slider(key="dominance.alpha").disabled
    at.selectbox(key="dominance.method").set_value("ogm").run()
    assert not at.slider(key="dominance.alpha").disabled


def test_keep_this_run_confirms_and_draws_the_kept_curve_in_the_same_rerun():
    at = page("dominance").run()
    at.button(key="dominance.run.step").click().run()
    at.button(key="dominance.keep").click().run()
    assert not at.exception
    assert any("Kept" in t.value for t in at.toast)
    probes = next(c for c in at.get("plotly_chart") if "probe B · none" in c.proto.spec)
    assert probes
