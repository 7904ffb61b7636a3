"""``python -m mmplay run <lab> --json`` prints one JSON object; bad settings fail loudly."""

import json
import subprocess
import sys

import pytest

from mmplay.cli import main, parse_settings


def test_module_entry_point_prints_one_json_object():
    out = subprocess.run(
        [sys.executable, "-m", "mmplay", "run", "synergy", "--steps", "40", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    payload = json.loads(out)
    assert payload["lab"] == "synergy" and payload["config"]["steps"] == 40
    assert set(payload["metrics"]["test_accuracy"]) == {
        "a_only",
        "b_only",
        "late_sum",
        "linear_concat",
        "interaction",
        "mlp",
    }
    assert set(payload["metrics"]["pid_bits"]) == {"redundancy", "unique_a", "unique_b", "synergy"}


def test_set_seed_and_steps_reach_the_config(capsys):
    assert main(["run", "synergy", "--seed", "5", "--steps", "3", "--set", "preset=and", "--json"]) == 0
    config = json.loads(capsys.readouterr().out)["config"]
    assert (config["seed"], config["steps"], config["preset"]) == (5, 3, "and")


def test_invalid_settings_exit_2_with_a_reason(capsys):
    assert main(["run", "synergy", "--set", "noise=-1"]) == 2
    assert "noise" in capsys.readouterr().err
    with pytest.raises(ValueError):
        parse_settings(["novalue"])


SMALL = {
    "synergy": ["steps=5"],
    "alignment": ["steps=5", "n=60", "permutations=19"],
    "contrastive": ["steps=5", "n_train=500"],
    "fusion": ["steps=5", "seq_steps=50", "seq_train=500", "n_train=400", "n_test=400"],
    "experts": ["steps=5", "n_train=400", "n_test=400"],
    "gating": ["steps=5", "n_train=400", "n_test=400"],
    "missing": ["steps=5", "n_train=400", "n_test=400"],
    "dominance": ["steps=5", "n_train=200", "n_test=200"],
}
EXPECTED_KEYS = {
    "synergy": {"test_accuracy", "pid_bits"},
    "alignment": {"rotation_error", "residual", "verdict", "p_value"},
    "contrastive": {"recall_at_1", "probe_accuracy", "cross_modal_transfer"},
    "fusion": {"logits", "sequence"},
    "experts": {"coverage_90", "nll", "width"},
    "gating": {"accuracy"},
    "missing": {"accuracy"},
    "dominance": {"probe_accuracy", "ceiling", "fused_accuracy", "accuracy_without_a", "grad_norm_ratio"},
}


@pytest.mark.parametrize("lab", sorted(SMALL))
def test_every_lab_runs_headless(lab, capsys):
    args = ["run", lab, "--json"] + [item for pair in SMALL[lab] for item in ("--set", pair)]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["lab"] == lab
    assert EXPECTED_KEYS[lab] <= set(payload["metrics"])
