"""Each lab's CLI metrics on CPU and on CUDA with the same seed; prints one JSON line per lab.

Accuracies may differ by a few test points (float summation order differs across devices);
the tolerance is 0.02 absolute on every numeric metric.
"""

import json
import os
import subprocess
import sys

from benchmarks.harness import report
from mmplay.labs import LAB_NAMES

TOLERANCE = 0.02


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


def main() -> int:
    failures = 0
    for lab in LAB_NAMES:
        cpu, cuda = cli_metrics(lab, "cpu"), cli_metrics(lab, "cuda")
        worst = max(abs(cpu[k] - cuda[k]) for k in cpu)
        failures += worst > TOLERANCE
        report("compare_devices", lab=lab, max_abs_diff=round(worst, 4), tolerance=TOLERANCE, ok=worst <= TOLERANCE)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
