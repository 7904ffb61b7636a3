"""Two Gaussian modalities given a binary class, with a knob that breaks conditional independence.

``y ~ Bernoulli(π)``; ``x_m = (2y − 1) δ/2 · u + ε_m`` for m ∈ {a, b} (u = the all-ones direction
scaled to unit norm), where ``(ε_a, ε_b)`` are jointly Gaussian with unit variances and
correlation ``ρ`` per coordinate. ρ = 0: ``x_a ⊥ x_b | y``; ρ = 1: ``x_b`` is a copy of ``x_a``.
The exact Bayes posterior is linear discriminant analysis on ``[x_a, x_b]``:
``logit p(y=1|x) = logit π + (μ₁ − μ₀)ᵀ Σ⁺ (x − (μ₁ + μ₀)/2)`` with ``Σ = [[I, ρI], [ρI, I]]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class CondData:
    x: dict[str, torch.Tensor]  # {"a": (N, D), "b": (N, D)}
    y: torch.Tensor  # (N,) float in {0, 1}

    def to(self, device: torch.device) -> CondData:
        return CondData({k: v.to(device) for k, v in self.x.items()}, self.y.to(device))


def class_mean(dim: int, separation: float) -> np.ndarray:
    """``μ₁ = δ/2 · 1/√D`` (and ``μ₀ = −μ₁``) for one modality."""
    return np.full(dim, separation / 2 / np.sqrt(dim))


def make_conditional_data(n: int, dim: int, separation: float, rho: float, prior: float, seed: int) -> CondData:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prior).astype(np.float64)
    shared = rng.standard_normal((n, dim))
    own = rng.standard_normal((n, dim))
    eps_a = shared
    eps_b = rho * shared + np.sqrt(max(1 - rho**2, 0.0)) * own
    mean = np.outer(2 * y - 1, class_mean(dim, separation))
    as_t = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    return CondData({"a": as_t(mean + eps_a), "b": as_t(mean + eps_b)}, as_t(y))


def bayes_logit(x: dict[str, torch.Tensor], dim: int, separation: float, rho: float, prior: float) -> torch.Tensor:
    """The exact posterior log-odds from the true generative parameters (LDA with a pseudo-inverse)."""
    mu1 = np.concatenate([class_mean(dim, separation)] * 2)
    cov = np.block([[np.eye(dim), rho * np.eye(dim)], [rho * np.eye(dim), np.eye(dim)]])
    w = np.linalg.pinv(cov) @ (2 * mu1)  # Σ⁺ (μ₁ − μ₀)
    joint = torch.cat([x["a"], x["b"]], dim=1).double()
    prior_logit = np.log(prior / (1 - prior))
    return (joint @ torch.tensor(w, dtype=torch.float64, device=joint.device) + prior_logit).float()
