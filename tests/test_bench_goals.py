"""Benchmark goals: the harness's pass/fail verdicts and exit codes, and every ``make bench`` module's
``GOALS`` and ``--check`` (modules are imported, never run)."""

import importlib
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from benchmarks.harness import Goal, parse_check, report

ROOT = Path(__file__).resolve().parents[1]


def bench_modules() -> list[str]:
    """The Makefile's ``BENCHMARKS`` list (continuation lines joined)."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return re.search(r"^BENCHMARKS\s*:=(.*)$", makefile, re.MULTILINE).group(1).split()


def printed(capsys: pytest.CaptureFixture[str]) -> dict:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.parametrize(
    ("op", "value", "met"),
    [("<=", 1.2, True), ("<=", 1.21, False), (">=", 0.8, True), (">=", 0.79, False), ("<=", math.nan, False)],
)
def test_goal_met(op: str, value: float, met: bool) -> None:
    bound = 1.2 if op == "<=" else 0.8
    assert Goal("ratio", op, bound).met(value) is met


def test_goal_rejects_unknown_op() -> None:
    with pytest.raises(ValueError):
        Goal("ratio", "<", 1.0)


GOALS = (Goal("ratio", "<=", 1.2), Goal("rate", ">=", 100.0))


@pytest.mark.parametrize(
    ("result", "check", "passed", "code"),
    [
        ({"ratio": 1.0, "rate": 150.0}, True, True, 0),
        ({"ratio": 1.3, "rate": 150.0}, True, False, 1),
        ({"ratio": 1.0, "rate": 50.0}, True, False, 1),
        ({"ratio": 1.3, "rate": 50.0}, False, False, 0),
    ],
)
def test_report_verdict_and_exit_code(
    capsys: pytest.CaptureFixture[str], result: dict, check: bool, passed: bool, code: int
) -> None:
    assert report("made_up", result, GOALS, check) == code
    line = printed(capsys)
    assert line["benchmark"] == "made_up"
    assert line["ratio"] == result["ratio"] and line["rate"] == result["rate"]
    assert line["pass"] is passed
    assert [(g["metric"], g["op"], g["bound"], g["value"]) for g in line["goals"]] == [
        ("ratio", "<=", 1.2, result["ratio"]),
        ("rate", ">=", 100.0, result["rate"]),
    ]
    assert [g["pass"] for g in line["goals"]] == [result["ratio"] <= 1.2, result["rate"] >= 100.0]


def test_report_without_goals_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert report("made_up", {"ratio": 9.0}, (), check=True) == 0
    line = printed(capsys)
    assert line["goals"] == [] and line["pass"] is True


def test_report_needs_each_goal_metric() -> None:
    with pytest.raises(KeyError):
        report("made_up", {"ratio": 1.0}, GOALS, check=True)


def test_parse_check() -> None:
    assert parse_check("doc", ["--check"]) is True
    assert parse_check("doc", []) is False


def test_make_bench_checks_every_benchmark() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PY) -m benchmarks.$$name --check || exit 1" in makefile
    assert len(bench_modules()) >= 8


@pytest.mark.parametrize("name", bench_modules())
def test_benchmark_declares_goals_and_accepts_check(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    assert isinstance(module.GOALS, tuple)
    assert all(isinstance(goal, Goal) for goal in module.GOALS)
    assert module.GOALS
    with pytest.raises(SystemExit) as exit_info:  # main parses its arguments before measuring anything
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert "--check" in capsys.readouterr().out


def test_report_takes_numpy_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert report("made_up", {"ratio": np.float64(1.0), "rate": np.float32(150.0)}, GOALS, check=True) == 0
    line = printed(capsys)
    assert line["pass"] is True and [g["pass"] for g in line["goals"]] == [True, True]


def test_server_cost_ab_rejects_unknown_labs_before_checking_anything_out() -> None:
    from benchmarks import server_cost_ab

    with pytest.raises(SystemExit, match="unknown labs: nope"):
        server_cost_ab.main(["--base", "HEAD", "--labs", "synergy,nope"])
