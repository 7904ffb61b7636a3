"""Gaussian experts: Product of Experts (PoE) and Mixture of Experts (MoE), exactly.

Experts sit on the first axis: ``means``, ``variances``, ``weights`` have shape (K, ...).

- PoE: ``∏ₖ N(x; μₖ, σₖ²) ∝ N(x; μ, σ²)`` with precision ``1/σ² = Σₖ 1/σₖ²`` and
  ``μ = σ² Σₖ μₖ/σₖ²`` — sharper than every expert.
- PoE of *posteriors* that each contain the prior ``N(μ₀, σ₀²)``: divide it out K−1 times,
  ``1/σ² = Σₖ 1/σₖ² − (K−1)/σ₀²``, ``μ = σ² (Σₖ μₖ/σₖ² − (K−1) μ₀/σ₀²)``.
- MoE: ``Σₖ πₖ N(x; μₖ, σₖ²)``, with mean ``μ̄ = Σ πₖ μₖ`` and, by the law of total variance,
  ``Var = Σ πₖ σₖ² + Σ πₖ (μₖ − μ̄)²`` — larger than every expert's once the means disagree.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from statistics import NormalDist
from typing import NamedTuple

import torch

_MIN_PRECISION = 1e-6


class Gaussian(NamedTuple):
    mean: torch.Tensor  # (...)
    variance: torch.Tensor  # (...)


def poe(means: torch.Tensor, variances: torch.Tensor, prior: Gaussian | None = None) -> Gaussian:
    """Product of Gaussian experts (optionally with a prior expert, as in MVAE)."""
    precisions = 1.0 / variances  # (K, ...)
    precision = precisions.sum(0)
    weighted = (precisions * means).sum(0)
    if prior is not None:
        precision = precision + 1.0 / prior.variance
        weighted = weighted + prior.mean / prior.variance
    return Gaussian(weighted / precision, 1.0 / precision)


class InconsistentPosteriorsWarning(UserWarning):
    """The posteriors are wider than the prior they contain: ``Σₖ 1/σₖ² − (K−1)/σ₀² ≤ 0`` somewhere."""


def poe_of_posteriors(means: torch.Tensor, variances: torch.Tensor, prior: Gaussian) -> Gaussian:
    """Fuse K posteriors ``p(w | xₖ)`` into ``p(w | x₁…x_K)`` by dividing the prior out K−1 times.

    ``1/σ² = Σₖ 1/σₖ² − (K−1)/σ₀²`` and ``μ = σ² (Σₖ μₖ/σₖ² − (K−1) μ₀/σ₀²)``: exact under conditional
    independence of the ``xₖ`` given ``w``. A true posterior is at least as sharp as its prior
    (``1/σₖ² ≥ 1/σ₀²``), so then ``1/σ² ≥ 1/σ₀² > 0``. Learned experts need not be: the experts lab scores
    its untrained experts at step 0, and with the lab's defaults seed 6 already gives ``1/σ² ≤ 0``. So
    inconsistent inputs issue an ``InconsistentPosteriorsWarning`` (not a ``ValueError``, which would crash
    the live page) and the precision is floored at 1e-6. Callers that want an error:
    ``warnings.simplefilter("error", InconsistentPosteriorsWarning)``.
    """
    extra = means.shape[0] - 1
    precisions = 1.0 / variances
    precision = precisions.sum(0) - extra / prior.variance
    _warn_if_not_positive(precision, extra)
    precision = precision.clamp_min(_MIN_PRECISION)
    weighted = (precisions * means).sum(0) - extra * prior.mean / prior.variance
    return Gaussian(weighted / precision, 1.0 / precision)


def _warn_if_not_positive(precision: torch.Tensor, extra: int) -> None:
    """Warn when the fused precision ``Σₖ 1/σₖ² − (K−1)/σ₀²`` is ≤ 0 anywhere."""
    bad = precision <= 0
    if not bool(bad.any()):
        return
    warnings.warn(
        f"poe_of_posteriors: the fused precision Σₖ 1/σₖ² − {extra}/σ₀² is ≤ 0 at {int(bad.sum())} of "
        f"{bad.numel()} positions (min {float(precision.min()):.3g}): the experts' posteriors are wider than "
        f"the prior they should contain, so it cannot be divided out {extra} time(s); "
        f"precision floored at {_MIN_PRECISION:g}",
        InconsistentPosteriorsWarning,
        stacklevel=3,
    )


def moe(means: torch.Tensor, variances: torch.Tensor, weights: torch.Tensor) -> Gaussian:
    """Mean and variance of the mixture ``Σ πₖ N(μₖ, σₖ²)`` (law of total variance)."""
    weights = weights / weights.sum(0, keepdim=True)
    mean = (weights * means).sum(0)
    variance = (weights * variances).sum(0) + (weights * (means - mean) ** 2).sum(0)
    return Gaussian(mean, variance)


def gaussian_log_density(x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor) -> torch.Tensor:
    """``log N(x; μ, σ²) = −½ [log 2πσ² + (x − μ)²/σ²]``."""
    return -0.5 * (torch.log(2 * math.pi * variance) + (x - mean) ** 2 / variance)


def mixture_log_density(
    x: torch.Tensor, means: torch.Tensor, variances: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    """``log Σₖ πₖ N(x; μₖ, σₖ²)`` computed stably with log-sum-exp (x broadcasts against (...))."""
    weights = weights / weights.sum(0, keepdim=True)
    return torch.logsumexp(torch.log(weights) + gaussian_log_density(x.unsqueeze(0), means, variances), dim=0)


def normal_cdf(x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor) -> torch.Tensor:
    """``Φ((x − μ)/σ)``."""
    return 0.5 * (1 + torch.erf((x - mean) / torch.sqrt(2 * variance)))


def mixture_cdf(x: torch.Tensor, means: torch.Tensor, variances: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``F(x) = Σₖ πₖ Φ((x − μₖ)/σₖ)``."""
    weights = weights / weights.sum(0, keepdim=True)
    return (weights * normal_cdf(x.unsqueeze(0), means, variances)).sum(0)


def mixture_quantiles(
    qs: Sequence[float], means: torch.Tensor, variances: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    """The exact mixture quantiles ``F⁻¹(q)`` for each ``q`` in ``qs``, (Q, ...), by one bisection (no Gaussian
    approximation).

    The components' own quantiles ``Qₖ = μₖ + σₖ Φ⁻¹(q)`` bracket it: ``F(min Qₖ) = Σ πₖ Φₖ(min Qₖ) ≤ q ≤ F(max Qₖ)``.
    With shares ``πₖ`` summing to 1, ``F(x) < q`` exactly when ``Σₖ πₖ erf((x − μₖ)/(σₖ√2)) < 2q − 1``; the midpoint
    after i halvings of the bracket ``[lo, lo + W]`` is ``lo + W·2⁻⁽ⁱ⁺¹⁾``. ``m + 3`` halvings, for the dtype's ``m``
    mantissa bits (float32: 26, float64: 55), leave an error ``≤ W·2⁻⁽ᵐ⁺⁴⁾``, below the dtype's resolution of W.
    """
    share = weights / weights.sum(0, keepdim=True)  # (K, ...)
    inverse = torch.rsqrt(2 * variances)  # 1/(σₖ√2)
    offset = -means * inverse
    shape = (-1, *([1] * means.dim()))
    z = torch.tensor([NormalDist().inv_cdf(q) for q in qs], dtype=means.dtype, device=means.device).view(shape)
    own = means + variances.sqrt() * z  # (Q, K, ...): each expert's quantiles
    lo, hi = own.min(1).values, own.max(1).values
    width = hi - lo
    target = torch.tensor([2 * q - 1 for q in qs], dtype=means.dtype, device=means.device).view(shape[:-1])
    halvings = round(-math.log2(torch.finfo(means.dtype).eps)) + 3
    for i in range(halvings):
        mid = torch.add(lo, width, alpha=0.5 ** (i + 1))
        below = (share * torch.addcmul(offset, mid.unsqueeze(1), inverse).erf_()).sum(1) < target
        lo = torch.where(below, mid, lo)
    return lo + width * 0.5 ** (halvings + 1)


def normal_quantile(q: float, mean: torch.Tensor, variance: torch.Tensor) -> torch.Tensor:
    """``μ + σ Φ⁻¹(q)`` (``Φ⁻¹`` in float64, by :class:`statistics.NormalDist`)."""
    return mean + variance.sqrt() * NormalDist().inv_cdf(q)


def gaussian_nll(y: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood ``½ mean[log 2πσ² + (y − μ)²/σ²]`` (nats)."""
    return -gaussian_log_density(y, mean, variance).mean()


def coverage(y: torch.Tensor, lower: torch.Tensor, upper: torch.Tensor) -> float:
    """Fraction of targets inside their interval, ``mean[lower ≤ y ≤ upper]``."""
    return float(((y >= lower) & (y <= upper)).float().mean())


def pit_histogram(cdf_at_truth: torch.Tensor, bins: int = 10) -> torch.Tensor:
    """Histogram of the probability integral transform ``F(y)``; flat when calibrated (density)."""
    counts = torch.histc(cdf_at_truth.clamp(0, 1), bins=bins, min=0.0, max=1.0)
    return counts / counts.sum() * bins
