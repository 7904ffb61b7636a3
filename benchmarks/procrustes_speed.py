"""Procrustes on 20,000 × 256 (CPU): our fit vs ``scipy.linalg.orthogonal_procrustes``, same process.

Both sides end with the aligned points in hand: scipy's rotation of the centred sets, then ``A @ R``;
ours the full fit (rotation, scale, shift, residual, disparity) and its lazily computed ``aligned``
(``s · A @ R + t``), touched inside the timed region. The ratio is ours / scipy, best of 3 each;
the goal is ``GOALS``. Prints one JSON line. ``--check``: exit 1 on a miss.
"""

import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from scipy.linalg import orthogonal_procrustes

from benchmarks.harness import Goal, parse_check, report
from mmplay.align.procrustes import procrustes

GOALS = (Goal("ratio", "<=", 1.2),)


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scipy_aligned(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """scipy's rotation of the centred sets, applied to ``a``."""
    rotation, _ = orthogonal_procrustes(a - a.mean(0), b - b.mean(0))
    return a @ rotation


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20_000, 256))
    b = a @ np.linalg.qr(rng.normal(size=(256, 256)))[0] + 0.1 * rng.normal(size=(20_000, 256))
    a_t, b_t = torch.from_numpy(a), torch.from_numpy(b)
    scipy_s = best_of(lambda: scipy_aligned(a, b))
    ours_s = best_of(lambda: procrustes(a_t, b_t).aligned)  # ``aligned`` is lazy: touch it
    result = {
        "shape": [20_000, 256],
        "scipy_s": round(scipy_s, 3),
        "ours_s": round(ours_s, 3),
        "ratio": round(ours_s / scipy_s, 2),
        "threads": torch.get_num_threads(),
    }
    return report("procrustes_speed", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
