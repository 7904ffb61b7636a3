"""Untrusted settings (URL, CLI) are coerced and range-checked; bad ones fall back to defaults."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmplay.config import check_value, config_to_strings, parse_config
from mmplay.labs import LAB_NAMES, LABS
from mmplay.labs.synergy import Config


def test_valid_strings_round_trip():
    config = Config(preset="and", noise=0.5, seed=7)
    parsed, problems = parse_config(Config, config_to_strings(config))
    assert problems == []
    assert parsed == config


def test_bad_values_fall_back_with_reasons():
    parsed, problems = parse_config(
        Config, {"noise": "9", "preset": "nand", "n_points": "1.5", "lr": "nan", "bogus": "1"}
    )
    assert parsed == Config()
    assert len(problems) == 5
    assert any("noise" in p and "≤ 1.0" in p for p in problems)
    assert any("preset" in p and "xor" in p for p in problems)
    assert any("bogus" in p for p in problems)


def test_good_values_survive_beside_bad_ones():
    parsed, problems = parse_config(Config, {"noise": "0.1", "seed": "-3"})
    assert parsed.noise == 0.1 and parsed.seed == Config().seed
    assert len(problems) == 1


@pytest.mark.parametrize("lab", LAB_NAMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_string_for_any_knob_gives_a_valid_value_or_the_default_with_a_notice(lab, data):
    cls = LABS[lab].config
    field = data.draw(st.sampled_from(dataclasses.fields(cls)))
    text = data.draw(st.text(max_size=40) | st.from_regex(r"-?[0-9]{0,400}(\.[0-9]*)?(e-?[0-9]{1,4})?", fullmatch=True))
    parsed, problems = parse_config(cls, {field.name: text})
    try:
        expected = check_value(field, text)
    except ValueError:
        assert getattr(parsed, field.name) == field.default
        assert any(field.name in p for p in problems)
    else:
        assert getattr(parsed, field.name) == expected
        assert problems == []


def test_log_stops_give_each_decade_one_two_three_five():
    from mmplay.config import log_stops

    stops = log_stops(0.0001, 0.05)
    assert 0.003 in stops and 0.0001 in stops and 0.05 in stops
    assert list(stops) == sorted(stops)
    assert len([s for s in stops if 0.001 <= s < 0.01]) == 4  # 0.001, 0.002, 0.003, 0.005


def test_float_noise_from_a_slider_is_not_written_but_exact_values_are():
    from mmplay.labs.alignment import Config as AlignmentConfig
    from mmplay.labs.contrastive import Config as ContrastiveConfig

    assert config_to_strings(ContrastiveConfig(temperature=0.11889999999999998))["temperature"] == "0.1189"
    assert config_to_strings(AlignmentConfig())["ridge"] == "0.001"  # off its 0 … 100 slider's grid, kept


@pytest.mark.parametrize("lab", LAB_NAMES)
def test_a_slider_float_is_rounded_to_its_step_and_its_step_is_a_round_number(lab):
    from mmplay.config import at_resolution, decimals, slider_step

    for field in dataclasses.fields(LABS[lab].config):
        if not isinstance(field.default, float) or field.metadata.get("log"):
            continue
        step = slider_step(field)
        assert float(f"{step:.1g}") == step  # 1, 2 or 5 × 10ᵏ (or the knob's own step)
        noisy = field.metadata["lo"] + 7 * step + 1e-13
        assert at_resolution(field, noisy) == round(field.metadata["lo"] + 7 * step, decimals(step))


def test_a_pages_run_does_not_depend_on_where_play_stops():
    from mmplay.config import run_config

    assert run_config(Config(steps=50)) == run_config(Config(steps=900)) == Config()
    assert run_config(Config(noise=0.2)) != Config()
