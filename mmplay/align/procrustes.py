"""Procrustes analysis: the rotation, scale and shift that best overlay one point set on another.

Rows are paired items. With centred ``A_c = A − Ā`` and ``B_c = B − B̄``, and the SVD
``A_cᵀ B_c = U Σ Vᵀ``, the orthogonal ``R = U Vᵀ`` minimises ``‖A_c R − B_c‖_F`` (as
``scipy.linalg.orthogonal_procrustes(A_c, B_c)`` returns it); the best scale is
``s = tr Σ / ‖A_c‖²_F`` and the shift ``t = B̄ − s Ā R``, so ``aligned = s · A @ R + t``.
``residual = ‖aligned − B‖_F / ‖B_c‖_F``, computed without forming the aligned points from
``‖s A_c R − B_c‖² = s²‖A_c‖² − 2s tr Σ + ‖B_c‖²``; ``disparity`` is scipy.spatial.procrustes's
standardised sum of squares, ``1 − (tr Σ / (‖A_c‖ ‖B_c‖))²``. The aligned points are computed on
first use. Narrower sets are zero-padded to the wider one's width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

TINY = 1e-300  # guards the divisions by a set's spread when a set has none


@dataclass
class ProcrustesFit:
    rotation: torch.Tensor  # (d, d) orthogonal
    scale: float
    translation: torch.Tensor  # (d,)
    residual: float  # ‖aligned − B‖_F / ‖B − B̄‖_F
    disparity: float  # scipy.spatial.procrustes's standardised disparity
    padded: bool  # whether one side was zero-padded
    source: torch.Tensor  # (N, d) A, padded

    @cached_property
    def aligned(self) -> torch.Tensor:
        """``scale · A @ R + t``, shape (N, d)."""
        return torch.addmm(self.translation, self.source, self.scale * self.rotation)  # scale the d × d factor


def as_tensor(x: np.ndarray | torch.Tensor, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return x.to(dtype) if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x), dtype=dtype)


def pad_to_same_width(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Zero-pad the narrower matrix's columns so both have the same width."""
    width = max(a.shape[1], b.shape[1])
    pad = lambda m: torch.nn.functional.pad(m, (0, width - m.shape[1]))  # noqa: E731
    return pad(a), pad(b), a.shape[1] != b.shape[1]


def procrustes(
    a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor, *, scaling: bool = True, translation: bool = True
) -> ProcrustesFit:
    """Fit ``aligned = scale · A @ R + t`` to B (see the module docstring for the formulas)."""
    a_t = as_tensor(a)
    b_t = as_tensor(b).to(a_t.device)
    a_t, b_t, padded = pad_to_same_width(a_t, b_t)
    mean_a = a_t.mean(0) if translation else torch.zeros(a_t.shape[1], dtype=a_t.dtype, device=a_t.device)
    mean_b = b_t.mean(0) if translation else torch.zeros_like(mean_a)
    a_c, b_c = a_t - mean_a, b_t - mean_b
    u, sigma, vh = torch.linalg.svd(a_c.T @ b_c)
    rotation = u @ vh
    norm_a2, norm_b2 = float(torch.linalg.vector_norm(a_c)) ** 2, float(torch.linalg.vector_norm(b_c)) ** 2
    trace = float(sigma.sum())
    norm_a2, norm_b2 = max(norm_a2, TINY), max(norm_b2, TINY)  # a set with no spread: scale 0, residual 1
    scale = trace / norm_a2 if scaling else 1.0
    shift = mean_b - scale * mean_a @ rotation
    misfit = max(scale**2 * norm_a2 - 2 * scale * trace + norm_b2, 0.0)
    spread_b2 = norm_b2 if translation else max(float(((b_t - b_t.mean(0)) ** 2).sum()), TINY)
    residual = (misfit / spread_b2) ** 0.5
    disp = 1 - (trace / norm_a2**0.5 / norm_b2**0.5) ** 2 if translation else disparity(a_t, b_t)
    return ProcrustesFit(rotation, scale, shift, residual, disp, padded, a_t)


def standardise(m: torch.Tensor) -> torch.Tensor:
    """``(M − mean) / ‖M − mean‖_F``: centred, unit Frobenius norm (both invariant to reordering rows)."""
    centred = m - m.mean(0)
    return centred / torch.linalg.norm(centred)


def standard_disparity(a_std: torch.Tensor, b_std: torch.Tensor) -> float:
    """``1 − ‖A_sᵀ B_s‖_*²`` for already standardised A_s, B_s."""
    return float(1 - torch.linalg.svdvals(a_std.T @ b_std).sum() ** 2)


def low_rank_factor(m: torch.Tensor) -> torch.Tensor:
    """``U S`` of the thin SVD ``M = U S Vᵀ``: n × min(n, d), with ``‖Xᵀ (U S)‖_* = ‖Xᵀ M‖_*`` for any X."""
    u, s, _ = torch.linalg.svd(m, full_matrices=False)
    return u * s


def disparity(a: torch.Tensor, b: torch.Tensor) -> float:
    """``1 − (tr Σ)²`` for centred, unit-Frobenius-norm A and B (scipy.spatial.procrustes)."""
    return standard_disparity(standardise(a), standardise(b))


class ProcrustesAligner:
    """scikit-learn style: ``ProcrustesAligner(scaling=True).fit(A, B).transform(X)``."""

    def __init__(self, scaling: bool = True, translation: bool = True) -> None:
        self.scaling = scaling
        self.translation = translation

    def fit(self, a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> ProcrustesAligner:
        fit = procrustes(a, b, scaling=self.scaling, translation=self.translation)
        self.rotation_, self.scale_, self.translation_ = fit.rotation, fit.scale, fit.translation
        self.width_ = self.rotation_.shape[0]
        return self

    def transform(self, x: np.ndarray | torch.Tensor) -> torch.Tensor:
        x_t = torch.nn.functional.pad(as_tensor(x).to(self.rotation_.device), (0, self.width_ - x.shape[1]))
        return self.scale_ * x_t @ self.rotation_ + self.translation_


def permutation_p_value(
    a: torch.Tensor,
    b: torch.Tensor,
    permutations: int = 200,
    seed: int = 0,
    progress: Callable[[float], None] = lambda _: None,
) -> float:
    """P-value of the observed disparity against randomly re-paired items: ``(1 + #{d_π ≤ d}) / (1 + P)``.

    Standardising is invariant to re-pairing rows, and ``‖A_sᵀ P B_s‖_* = ‖(U_a S_a)ᵀ P (U_b S_b)‖_*``
    for thin SVDs ``A_s = U_a S_a V_aᵀ`` (V orthonormal), so each re-pairing costs ``n·k² + k³``
    with ``k = min(n, d)`` instead of ``n·d² + d³``. ``progress`` gets the fraction of re-pairings done.
    """
    gen = torch.Generator().manual_seed(seed)
    a_t, b_t, _ = pad_to_same_width(as_tensor(a), as_tensor(b))
    a_low, b_low = low_rank_factor(standardise(a_t)), low_rank_factor(standardise(b_t))
    observed = standard_disparity(a_low, b_low)
    beaten = 0
    for done in range(permutations):
        shuffled = b_low[torch.randperm(len(b_low), generator=gen).to(b_low.device)]
        beaten += standard_disparity(a_low, shuffled) <= observed
        progress((done + 1) / permutations)
    return (1 + beaten) / (1 + permutations)
