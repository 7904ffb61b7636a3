"""Procrustes on 20,000 × 256 (CPU): our fit vs ``scipy.linalg.orthogonal_procrustes``, same process.

Ours computes more (scale, shift, aligned points, residual, disparity); the ratio is ours / scipy,
best of 3 each. Goal ≤ 1.2. Prints one JSON line.
"""

import time

import numpy as np
import torch
from scipy.linalg import orthogonal_procrustes

from benchmarks.harness import report
from mmplay.align.procrustes import procrustes


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20_000, 256))
    b = a @ np.linalg.qr(rng.normal(size=(256, 256)))[0] + 0.1 * rng.normal(size=(20_000, 256))
    a_t, b_t = torch.from_numpy(a), torch.from_numpy(b)
    scipy_s = best_of(lambda: orthogonal_procrustes(a - a.mean(0), b - b.mean(0)))
    ours_s = best_of(lambda: procrustes(a_t, b_t))
    report(
        "procrustes_speed",
        shape=[20_000, 256],
        scipy_s=round(scipy_s, 3),
        ours_s=round(ours_s, 3),
        ratio=round(ours_s / scipy_s, 2),
        threads=torch.get_num_threads(),
        goal="<= 1.2",
    )


if __name__ == "__main__":
    main()
