"""Modality balance: measure who dominates, and turn the loud modality down.

OGM (Peng et al., CVPR 2022, Eq. 10). For a concat head ``logits = Σ_u W_u φ_u + b``, modality u's
contribution score on a batch is ``s_u = Σᵢ softmax(W_u φ_u(xᵢ) + b/2)[yᵢ]``; with
``ρ_u = s_u / s_other``, the encoder gradient of u is multiplied by ``k_u = 1 − tanh(α·ρ_u)`` when
``ρ_u > 1`` (else 1). OGM-GE also adds Gaussian noise whose std is that of the gradient before modulation:
``g ← k·g + N(0, std(g)²)``.
Gradient-norm equalisation rescales both encoders' gradients to the mean of their norms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from mmplay import ops


def ogm_coefficient(rho: float, alpha: float) -> float:
    """``k = 1 − tanh(α·ρ)`` if ``ρ > 1`` else ``1``."""
    return 1.0 - float(torch.tanh(torch.tensor(alpha * rho))) if rho > 1 else 1.0


def contribution_scores(
    features: Sequence[torch.Tensor], weight_blocks: Sequence[torch.Tensor], bias: torch.Tensor, onehot: torch.Tensor
) -> list[float]:
    """``s_u = Σᵢ softmax(W_u φ_u(xᵢ) + b/2)[yᵢ]`` for each modality u, all in one batched pass (targets one-hot)."""
    return score_sums(torch.stack(list(features)), torch.stack(list(weight_blocks)), bias / 2, onehot).tolist()


def score_sums(
    features: torch.Tensor, weights: torch.Tensor, half_bias: torch.Tensor, onehot: torch.Tensor
) -> torch.Tensor:
    """``Σᵢ softmax(W_m φ_mᵢ + b_m/2)[yᵢ]`` for each of M blocks at once: features (M, B, H), weights (M, C, H),
    ``b/2`` broadcastable to (M, 1, C), one-hot targets broadcastable to (M, B, C); returns (M,)."""
    logits = torch.baddbmm(half_bias, features, weights.transpose(1, 2))
    return (ops.softmax(logits) * onehot).sum((1, 2))


def grad_norms(groups: Sequence[Iterable[torch.nn.Parameter]]) -> list[float]:
    """``‖g‖₂`` over each group's gradients, ``√(Σ_p ‖g_p‖²)``, with one norm kernel for every tensor of every group."""
    grads = [[p.grad for p in group if p.grad is not None] for group in groups]
    flat = [g for group in grads for g in group]
    if not flat:
        return [0.0] * len(grads)
    squares = torch.stack(torch._foreach_norm(flat)).square().tolist()
    bounds = [0]
    for group in grads:
        bounds.append(bounds[-1] + len(group))
    return [sum(squares[lo:hi]) ** 0.5 for lo, hi in zip(bounds, bounds[1:])]


def grad_norm(params: Iterable[torch.nn.Parameter]) -> float:
    """``‖g‖₂`` over all the parameters' gradients."""
    return grad_norms([params])[0]


def scale_grads(params: Iterable[torch.nn.Parameter], factor: float) -> None:
    """``g ← factor·g`` for every parameter with a gradient."""
    for p in params:
        if p.grad is not None:
            p.grad.mul_(factor)


def modulate_grads(params: Iterable[torch.nn.Parameter], k: float, generator: torch.Generator, noise: bool) -> None:
    """OGM (``noise=False``): ``g ← k·g``; OGM-GE (``noise=True``): ``g ← k·g + N(0, std(g)²)``.

    ``std(g)`` is taken per parameter tensor from the gradient *before* modulation (Peng et al., CVPR 2022,
    and the authors' code), so the noise does not shrink with ``k``. Tensors with a single element have no
    std and are only scaled. The noise is drawn on the CPU from ``generator`` (same numbers on any device).
    """
    for p in params:
        if p.grad is None:
            continue
        std = p.grad.std() if noise and p.grad.numel() > 1 else None
        p.grad.mul_(k)
        if std is not None:
            p.grad.add_(torch.randn(p.grad.shape, generator=generator).to(p.grad.device) * std)


def equalise_grad_norms(groups: dict[str, list[torch.nn.Parameter]]) -> None:
    """Rescale each group's gradient to the mean of the groups' norms."""
    norms = {name: grad_norm(params) for name, params in groups.items()}
    target = sum(norms.values()) / len(norms)
    for name, params in groups.items():
        if norms[name] > 0:
            scale_grads(params, target / norms[name])
