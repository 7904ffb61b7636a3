"""UMAP view of 2 × 2,000 points in 64-D: our projection vs ``umap.UMAP()`` defaults, same process.

Ours: exact 6-NN (torch) as ``precomputed_knn``, ``init="pca"``, ``n_epochs=200``. Both are timed
warm (after a first call that compiles numba); trustworthiness (k = 10) of each. Also: a fresh
process's warm-up (what a freshly started server does in the background) and its first view.
Prints one JSON line; the goals are ``GOALS``: the warm ratio, ``trust_shortfall`` (the default's
trustworthiness minus ours: ours may not fall short by more than the bound; better is fine) and the
fresh process's first view after its warm-up. ``--check``: exit 1 on a miss.
"""

import subprocess
import sys
import time
from collections.abc import Sequence

import numpy as np
from sklearn.manifold import trustworthiness

from benchmarks.harness import Goal, parse_check, report

GOALS = (Goal("ratio", "<=", 0.12), Goal("trust_shortfall", "<=", 0.01), Goal("fresh_first_view_s", "<=", 2.0))
FRESH = """
import time, numpy as np
from mmplay import project2d
x = np.random.default_rng(0).normal(size=(4000, 64))
t = time.perf_counter(); project2d.warm_up(); w = time.perf_counter() - t
t = time.perf_counter(); project2d.umap_2d(x); print(w, time.perf_counter() - t)
"""


def data() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(size=(2000, 64)), rng.normal(size=(2000, 64)) + 1.0])


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    import umap

    from mmplay import project2d

    x = data()
    project2d.warm_up()
    umap.UMAP(n_epochs=5).fit_transform(x[:200])
    start = time.perf_counter()
    ours = project2d.umap_2d(x)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    default = umap.UMAP().fit_transform(x)
    default_s = time.perf_counter() - start
    fresh = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, check=True).stdout.split()
    trust_ours = trustworthiness(x, ours, n_neighbors=10)
    trust_default = trustworthiness(x, default, n_neighbors=10)
    result = {
        "points": len(x),
        "ours_warm_s": round(ours_s, 2),
        "default_warm_s": round(default_s, 2),
        "ratio": round(ours_s / default_s, 3),
        "trust_ours": round(trust_ours, 4),
        "trust_default": round(trust_default, 4),
        "trust_shortfall": round(trust_default - trust_ours, 4),
        "fresh_warm_up_s": round(float(fresh[0]), 2),
        "fresh_first_view_s": round(float(fresh[1]), 2),
    }
    return report("umap_view", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
