"""Each lab's CLI metrics on CPU and on CUDA with the same seed; prints one JSON line per lab.

Accuracies may differ by a few test points (float summation order differs across devices); the
tolerance on every numeric metric's absolute difference is ``GOALS``. ``--check`` (as
``gpu_check.sh`` passes it): exit 1 when any lab misses it.
"""

import json
import os
import subprocess
import sys
from collections.abc import Sequence

from benchmarks.harness import Goal, parse_check, report
from mmplay.labs import LAB_NAMES

GOALS = (Goal("max_abs_diff", "<=", 0.02),)


def flatten(tree: dict, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[f"{prefix}{key}"] = float(value)
    return out


def cli_metrics(lab: str, device: str) -> dict[str, float]:
    env = {**os.environ, "MMPLAY_DEVICE": device}
    out = subprocess.run(
        [sys.executable, "-m", "mmplay", "run", lab, "--json"], env=env, capture_output=True, text=True, check=True
    ).stdout
    return flatten(json.loads(out)["metrics"])


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    code = 0
    for lab in LAB_NAMES:
        cpu, cuda = cli_metrics(lab, "cpu"), cli_metrics(lab, "cuda")
        worst = max(abs(cpu[k] - cuda[k]) for k in cpu)
        code = max(code, report("compare_devices", {"lab": lab, "max_abs_diff": round(worst, 4)}, GOALS, check))
    return code


if __name__ == "__main__":
    sys.exit(main())
