"""2-D projections for the views: PCA (instant) and UMAP (exact k-NN from torch), cached by content.

UMAP here: exact k nearest neighbours from ``torch.cdist`` + ``topk`` (blockwise, so memory stays
O(block · N)) passed to umap-learn as ``precomputed_knn``, ``init="pca"``, ``n_epochs=200`` and
``n_neighbors=6`` (umap's default is 15). The seeded layout optimiser runs on one thread and its
cost per epoch grows with the k-NN graph's edges; with fewer neighbours each point's closest few
weigh more, and trustworthiness at k = 10 goes *up* (2 × 2,000 points in 64-D, seeds 0–2:
15 → 0.762 in 1.41 s, 8 → 0.767 in 1.07 s, 6 → 0.769 in 0.93 s; ``umap.UMAP()`` defaults
0.770–0.774 in 12 s). Above ``EXACT_KNN_LIMIT`` points umap-learn's own approximate search
(pynndescent) is used instead. numba's default threading layer aborts the process when two
threads run UMAP at once (umap#665), so every UMAP call holds one process-wide lock. numba
compiles on first use; :func:`warm_up` pays that once, off the user's path, and
``NUMBA_CACHE_DIR`` keeps the machine code across processes.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch

EXACT_KNN_LIMIT = 20_000
NEIGHBOURS = 6
_UMAP_LOCK = threading.Lock()
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_CACHE_SIZE = 32
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "mmplay-numba"))


def content_key(x: np.ndarray, method: str, seed: int) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(x, dtype=np.float32).tobytes()).hexdigest()
    return f"{method}:{seed}:{x.shape}:{digest}"


def pca_2d(x: np.ndarray) -> np.ndarray:
    """Projection on the top two principal axes: ``(X − X̄) V[:, :2]`` from the SVD of X − X̄."""
    centred = x - x.mean(0)
    _, _, vh = np.linalg.svd(centred, full_matrices=False)
    return centred @ vh[:2].T


def exact_knn(x: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of each row's k nearest rows (itself first), blockwise with torch."""
    data = torch.as_tensor(x, dtype=torch.float32)
    indices, distances = [], []
    for start in range(0, len(data), block):
        rows = data[start : start + block]
        idx = torch.cdist(rows, data).topk(k, dim=1, largest=False).indices  # (block, k), fast matmul form
        exact = torch.linalg.norm(data[idx] - rows.unsqueeze(1), dim=2)  # (block, k), no cancellation error
        order = exact.argsort(dim=1)
        indices.append(idx.gather(1, order))
        distances.append(exact.gather(1, order))
    return torch.cat(indices).numpy(), torch.cat(distances).numpy()


def umap_2d(x: np.ndarray, seed: int = 0, n_epochs: int = 200) -> np.ndarray:
    """UMAP embedding in 2-D (serialised by a process-wide lock)."""
    import umap

    with _UMAP_LOCK:
        if len(x) <= EXACT_KNN_LIMIT:
            knn = exact_knn(x, min(NEIGHBOURS, len(x) - 1))
            reducer = umap.UMAP(
                n_neighbors=knn[0].shape[1],
                precomputed_knn=(knn[0], knn[1], None),
                init="pca",
                n_epochs=n_epochs,
                random_state=seed,
                n_jobs=1,
            )
        else:
            reducer = umap.UMAP(n_neighbors=NEIGHBOURS, init="pca", n_epochs=n_epochs, random_state=seed, n_jobs=1)
        return reducer.fit_transform(x)


def project(x: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """Cached 2-D projection by ``method`` ∈ {pca, umap}."""
    key = content_key(x, method, seed)
    if key not in _CACHE:
        _CACHE[key] = pca_2d(x) if method == "pca" else umap_2d(x, seed)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def warm_up() -> None:
    """Compile UMAP's numba code once on a tiny problem."""
    rng = np.random.default_rng(0)
    umap_2d(rng.normal(size=(60, 4)), n_epochs=5)
