"""``python -m mmplay run <lab> --json`` prints one JSON object; bad settings fail loudly."""

import json
import math
import subprocess
import sys

import pytest

from mmplay.cli import main, parse_settings, seed_range
from mmplay.labs import LABS
from mmplay.labs.declaration import nested


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
    models = {"a_only", "b_only", "late_sum", "linear_concat", "interaction", "mlp"}
    assert set(nested(payload["metrics"], "test_accuracy")) == models
    assert set(nested(payload["metrics"], "pid")) == {"redundancy", "unique_a", "unique_b", "synergy"}


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


@pytest.mark.parametrize("lab", sorted(SMALL))
def test_every_lab_runs_headless_with_one_flat_metric_scheme(lab, capsys):
    args = ["run", lab, "--json"] + [item for pair in SMALL[lab] for item in ("--set", pair)]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["lab"] == lab
    assert all(isinstance(v, float) and math.isfinite(v) for v in payload["metrics"].values())
    claimed = {c.key for c in LABS[lab].claims if not c.settings and c.value_of is None}
    assert claimed <= set(payload["metrics"])  # every plain claim at the defaults reads a metric the run reports


def test_claims_command_prints_one_object_per_claim(capsys):
    assert main(["claims", "synergy", "--seeds", "0", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["claim"] for row in rows] == [c.key for c in LABS["synergy"].claims]
    expected = {"lab", "claim", "text", "settings", "seeds", "seeds_holding", "min", "median", "max"}
    assert all(set(row) == expected and row["seeds"] == 1 for row in rows)


def test_seed_ranges():
    assert seed_range("0-3") == [0, 1, 2, 3] and seed_range("1,5,9") == [1, 5, 9] and seed_range("7") == [7]


def test_readme_labs_table_matches_the_declarations():
    assert main(["readme", "--check"]) == 0, "run `python -m mmplay readme` to regenerate README's Labs table"
