"""Untrusted settings (URL, CLI) are coerced and range-checked; bad ones fall back to defaults."""

from mmplay.config import config_to_strings, parse_config
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
