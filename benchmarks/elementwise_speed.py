"""``mmplay.elementwise`` against torch's own ``tanh`` and ``exp`` on a hidden layer's worth of values, same process.

One thread, float32, a (2, 64, 500) tensor (missing's hidden layers; the experts' and gating's are smaller): the
microseconds per call of ``torch.tanh`` and :func:`mmplay.elementwise.tanh`, ``torch.exp`` and
:func:`mmplay.elementwise.exp`, best of 5 rounds of 200 calls each. The ratios are ours / torch's; the goal
(``GOALS``) is that ours is never slower. On this AMD EPYC machine torch's ``tanh`` and ``exp`` (MKL's vector
math) take a slow path and the ratios are well below 1 (0.37 and 0.47 on 2026-12-03); on other CPUs, compare.
Prints one JSON line. ``--check``: exit 1 on a miss.
"""

import sys
import time
from collections.abc import Callable, Sequence

import torch

from benchmarks.harness import Goal, parse_check, report
from mmplay import elementwise

GOALS = (Goal("tanh_ratio", "<=", 1.0), Goal("exp_ratio", "<=", 1.0))
SHAPE = (2, 64, 500)


def microseconds_per_call(fn: Callable[[], object], calls: int = 200, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return 1e6 * best


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    torch.set_num_threads(1)
    x = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0)) * 3
    timings = {
        "torch_tanh_us": microseconds_per_call(lambda: torch.tanh(x)),
        "ours_tanh_us": microseconds_per_call(lambda: elementwise.tanh(x)),
        "torch_exp_us": microseconds_per_call(lambda: torch.exp(x)),
        "ours_exp_us": microseconds_per_call(lambda: elementwise.exp(x)),
    }
    result = {
        "shape": list(SHAPE),
        **{name: round(value, 1) for name, value in timings.items()},
        "tanh_ratio": round(timings["ours_tanh_us"] / timings["torch_tanh_us"], 2),
        "exp_ratio": round(timings["ours_exp_us"] / timings["torch_exp_us"], 2),
    }
    return report("elementwise_speed", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
