"""``python -m mmplay run|claims|readme|serve``: the labs headless, their claims on many seeds, the README table.

- ``run <lab> [--seed S] [--steps N] [--set key=value ...] --json``: one JSON object
  ``{"lab", "config", "metrics"}`` with the lab's flat metrics and every extra's;
- ``claims <lab|all> [--seeds 0-19] --json``: a JSON list, one object per claim, with the number
  of seeds on which it holds and the min / median / max of its number; exit 1 if any fails;
- ``readme [--check]``: write (or check) README.md's Labs table from the declarations;
- ``serve --workers N [--port 8501]``: N Streamlit workers behind HAProxy (see :mod:`mmplay.serve`).
- ``haproxy-config HOST:PORT,…``: HAProxy's config for workers on other machines (``deploy/``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from mmplay.config import parse_config
from mmplay.labs import LAB_NAMES, LABS
from mmplay.labs.declaration import config_dict
from mmplay.labs.headless import claim_table, evaluate
from mmplay.labs.readme import README, labs_table, replace_labs_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mmplay", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one lab headless and print its metrics")
    run.add_argument("lab", choices=LAB_NAMES)
    run.add_argument("--seed", type=int, help="random seed (config field 'seed')")
    run.add_argument("--steps", type=int, help="training steps (config field 'steps')")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any config field")
    run.add_argument("--json", action="store_true", help="print one JSON line")
    claims = sub.add_parser("claims", help="check a lab's claims on many seeds")
    claims.add_argument("lab", choices=(*LAB_NAMES, "all"))
    claims.add_argument("--seeds", type=seed_range, default=range(20), help="e.g. 0-19 or 0,3,7 (default 0-19)")
    claims.add_argument("--json", action="store_true", help="print one JSON list")
    serve = sub.add_parser("serve", help="N Streamlit workers behind HAProxy (sticky sessions)")
    serve.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="default: the machine's cores")
    serve.add_argument("--port", type=int, default=8501, help="HAProxy's port (default 8501)")
    serve.add_argument("--bind", default="0.0.0.0", help="HAProxy's address (default: every interface)")
    serve.add_argument(
        "--hosts", default="127.0.0.1", help="comma list of loopback addresses the workers bind to, in turn"
    )
    serve.add_argument("--worker-port", type=int, default=8601, help="worker k listens on this port + k − 1")
    config = sub.add_parser("haproxy-config", help="print HAProxy's config for workers on other hosts")
    config.add_argument("servers", help="comma list of worker addresses host:port, in worker order (w1, w2, …)")
    config.add_argument("--port", type=int, default=8501, help="HAProxy's port (default 8501)")
    config.add_argument("--bind", default="0.0.0.0", help="HAProxy's address (default: every interface)")
    readme = sub.add_parser("readme", help="write README.md's Labs table from the lab declarations")
    readme.add_argument("--check", action="store_true", help="exit 1 if README.md's table is out of date")
    return parser


def seed_range(text: str) -> list[int]:
    """``"0-19" -> [0, …, 19]``; ``"1,5,9" -> [1, 5, 9]``; ``"3" -> [3]``."""
    seeds: list[int] = []
    for part in text.split(","):
        lo, sep, hi = part.partition("-")
        seeds.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    if not seeds:
        raise argparse.ArgumentTypeError("no seeds given")
    return seeds


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``["a=1", "b=x"] -> {"a": "1", "b": "x"}``; raises ``ValueError`` on a pair without '='."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set expects key=value, got {pair!r}")
        settings[key.strip()] = value.strip()
    return settings


def _dump(payload: object, compact: bool) -> None:
    print(json.dumps(payload, sort_keys=True, indent=None if compact else 2))


def _run(args: argparse.Namespace) -> int:
    lab = LABS[args.lab]
    try:
        raw = parse_settings(args.set)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    raw.update({k: v for k, v in (("seed", args.seed), ("steps", args.steps)) if v is not None})
    config, problems = parse_config(lab.config, raw)
    if problems:
        print("invalid settings: " + "; ".join(problems), file=sys.stderr)
        return 2
    _dump({"lab": args.lab, "config": config_dict(config), "metrics": evaluate(lab, config)}, args.json)
    return 0


def _claims(args: argparse.Namespace) -> int:
    names = LAB_NAMES if args.lab == "all" else (args.lab,)
    rows = [row for name in names for row in claim_table(LABS[name], args.seeds)]
    _dump(rows, args.json)
    return 0 if all(row["seeds_holding"] == row["seeds"] for row in rows) else 1


def _readme(args: argparse.Namespace) -> int:
    text = README.read_text(encoding="utf-8")
    updated = replace_labs_table(text, labs_table(LABS.values()))
    if args.check:
        if updated != text:
            print("README.md's Labs table is out of date: run `python -m mmplay readme`", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from mmplay.serve import serve

    return serve(max(1, args.workers), args.port, args.bind, args.hosts.split(","), args.worker_port)


def _haproxy_config(args: argparse.Namespace) -> int:
    from mmplay.haproxy import Worker, config_text

    workers = []
    for k, address in enumerate(args.servers.split(","), start=1):
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            print(f"not host:port: {address!r}", file=sys.stderr)
            return 2
        workers.append(Worker(f"w{k}", host, int(port)))
    print(config_text(workers, args.bind, args.port), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"run": _run, "claims": _claims, "readme": _readme, "serve": _serve, "haproxy-config": _haproxy_config}
    return commands[args.command](args)
