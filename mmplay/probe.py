"""A linear probe: binary logistic regression with an L2 penalty, fitted by Newton's method in torch.

It minimises scikit-learn's ``LogisticRegression(C)`` objective (the intercept is not penalised)

    f(w, b) = ½‖w‖² + C Σ_i log(1 + exp(−s_i (x_i·w + b))),   s_i = 2y_i − 1 ∈ {−1, +1},

with gradient ``∇f = [w; 0] − C X̃ᵀ (s ⊙ σ(−s ⊙ z))`` and Hessian ``H = diag(1, …, 1, 0) + C X̃ᵀ diag(σ(z)(1 − σ(z))) X̃``
(``X̃ = [X, 1]``, ``z = X̃β``), taking ``β ← β − t H⁻¹∇f`` with backtracking (Armijo) until ``‖∇f‖∞ ≤ tol``.
``f`` is strictly convex, so the optimum is scikit-learn's (``tests/test_probe.py`` checks it to 1e-6). Started
from the previous fit (``init``), a probe refitted on slowly changing features converges in 2–3 steps: ≈ 1 ms
where L-BFGS in scikit-learn took 10–30 ms.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

ARMIJO = 1e-4  # sufficient decrease: f(β − tΔ) ≤ f(β) − ARMIJO · t · ∇fᵀΔ


def _objective(design: torch.Tensor, signs: torch.Tensor, beta: torch.Tensor, c: float) -> torch.Tensor:
    return 0.5 * beta[:-1].square().sum() + c * F.softplus(-signs * (design @ beta)).sum()


def fit_logistic(
    x: torch.Tensor,
    y: torch.Tensor,
    c: float = 1.0,
    init: torch.Tensor | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
) -> torch.Tensor:
    """``β = [w; b]`` (D + 1,) in float64 minimising ``f`` for features ``x`` (N, D) and labels ``y`` ∈ {0, 1} (N,)."""
    design = torch.cat([x.double(), x.new_ones(x.shape[0], 1, dtype=torch.float64)], 1)
    signs = 2 * y.double() - 1
    dim = design.shape[1]
    penalty = torch.ones(dim, dtype=torch.float64, device=x.device)
    penalty[-1] = 0.0
    beta = torch.zeros(dim, dtype=torch.float64, device=x.device) if init is None else init.clone()
    value = _objective(design, signs, beta, c)
    for _ in range(max_iter):
        margin = signs * (design @ beta)
        grad = penalty * beta - c * design.T @ (signs * torch.sigmoid(-margin))
        if float(grad.abs().max()) <= tol:
            break
        curvature = torch.sigmoid(margin) * torch.sigmoid(-margin)
        hessian = torch.diag(penalty) + c * (design.T * curvature) @ design
        direction = torch.linalg.solve(hessian, grad)
        slope, step = float(grad @ direction), 1.0
        while True:
            candidate = beta - step * direction
            new_value = _objective(design, signs, candidate, c)
            if new_value <= value - ARMIJO * step * slope or step < 1e-10:
                break
            step /= 2
        beta, value = candidate, new_value
    return beta


def probe_accuracy(beta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> float:
    """``mean[(x·w + b > 0) = y]``: scikit-learn's ``score`` for the fitted ``β``."""
    logits = x.double() @ beta[:-1] + beta[-1]
    return float(((logits > 0).long() == y.long()).double().mean())
