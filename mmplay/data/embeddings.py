"""Paired embedding sets for the alignment lab, with K latent clusters to colour by concept.

- ``linear``: ``B = s·A·R* + t + σ ε`` with a known orthogonal ``R*``;
- ``warp``: ``B = A·R* + β·tanh(A·M)`` (a nonlinear warp of strength β) ``+ σ ε``;
- ``unrelated``: the linear preset with B's rows shuffled — the control with no pairing at all;
- ``digits``: scikit-learn's handwritten digits; A = PCA of each image's left half, B = of its right half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PRESETS = ("linear", "warp", "unrelated", "digits")


@dataclass(frozen=True)
class EmbeddingPair:
    a: np.ndarray  # (N, d_a)
    b: np.ndarray  # (N, d_b)
    labels: np.ndarray  # (N,) cluster / concept of each item
    true_rotation: np.ndarray | None  # R* when known


def random_rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def clustered_points(n: int, d: int, clusters: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    centres = rng.normal(scale=2.0, size=(clusters, d))
    labels = rng.integers(0, clusters, size=n)
    return centres[labels] + rng.normal(size=(n, d)), labels


def digits_halves(components: int = 16) -> EmbeddingPair:
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA

    digits = load_digits()
    images = digits.images  # (1797, 8, 8)
    left, right = images[:, :, :4].reshape(len(images), -1), images[:, :, 4:].reshape(len(images), -1)
    a = PCA(components, random_state=0).fit_transform(left)
    b = PCA(components, random_state=0).fit_transform(right)
    return EmbeddingPair(a, b, digits.target, None)


def make_pair(preset: str, n: int, dim: int, noise: float, warp: float, seed: int, clusters: int = 6) -> EmbeddingPair:
    if preset == "digits":
        return digits_halves()
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}")
    rng = np.random.default_rng(seed)
    a, labels = clustered_points(n, dim, clusters, rng)
    rotation = random_rotation(dim, rng)
    if preset == "warp":
        mixing = rng.normal(size=(dim, dim)) / np.sqrt(dim)
        b = a @ rotation + warp * np.tanh(a @ mixing) * 3.0
    else:
        b = 1.5 * a @ rotation + rng.normal(size=dim)
    b = b + noise * rng.normal(size=b.shape)
    if preset == "unrelated":
        b = b[rng.permutation(n)]
        return EmbeddingPair(a, b, labels, None)
    return EmbeddingPair(a, b, labels, rotation)
