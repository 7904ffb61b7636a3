"""``python -m mmplay run <lab> [--seed S] [--steps N] [--set key=value ...] --json``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from mmplay.config import parse_config
from mmplay.labs import LAB_NAMES, load_lab


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mmplay", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one lab headless and print its metrics")
    run.add_argument("lab", choices=LAB_NAMES)
    run.add_argument("--seed", type=int, help="random seed (config field 'seed')")
    run.add_argument("--steps", type=int, help="training steps (config field 'steps')")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any config field")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``["a=1", "b=x"] -> {"a": "1", "b": "x"}``; raises ``ValueError`` on a pair without '='."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set expects key=value, got {pair!r}")
        settings[key.strip()] = value.strip()
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    lab = load_lab(args.lab)
    try:
        raw = parse_settings(args.set)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    raw.update({k: v for k, v in (("seed", args.seed), ("steps", args.steps)) if v is not None})
    config, problems = parse_config(lab.Config, raw)
    if problems:
        print("invalid settings: " + "; ".join(problems), file=sys.stderr)
        return 2
    result = lab.run(config)
    output = {"lab": args.lab, "config": result["config"], "metrics": result["metrics"]}
    if args.json:
        print(json.dumps(output, sort_keys=True))
    else:
        print(json.dumps(output, indent=2, sort_keys=True))
    return 0
