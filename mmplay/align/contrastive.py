"""Contrastive objectives that pull matching cross-modal pairs together and push the rest apart.

- Symmetric InfoNCE (CLIP): with unit embeddings ``a_i, b_j`` and logits ``S_ij = a_i·b_j / τ``,
  ``L = ½ [CE(S, diag) + CE(Sᵀ, diag)]`` — each row must pick its own pair among the batch.
- Triplet: ``L = mean max(0, ‖a − p‖ − ‖a − n‖ + m)`` with anchor a (modality A), positive p (its pair
  in B) and a negative n from the batch chosen ``random``, ``semi-hard`` (farther than p but within
  the margin, else the hardest) or ``hard`` (the closest non-pair).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def info_nce(z_a: torch.Tensor, z_b: torch.Tensor, temperature: torch.Tensor | float) -> torch.Tensor:
    """Symmetric InfoNCE of paired rows ``z_a[i] ↔ z_b[i]`` (B, D) each; cosine similarity / τ."""
    a, b = F.normalize(z_a, dim=1), F.normalize(z_b, dim=1)
    logits = a @ b.T / temperature  # (B, B)
    target = torch.arange(a.shape[0], device=a.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


class InfoNCE(nn.Module):
    """InfoNCE with a learnable log-temperature (or a fixed one)."""

    def __init__(self, temperature: float = 0.1, learnable: bool = True) -> None:
        super().__init__()
        self.log_temperature = nn.Parameter(torch.tensor(math.log(temperature)), requires_grad=learnable)

    @property
    def temperature(self) -> torch.Tensor:
        return self.log_temperature.exp().clamp(0.01, 1.0)

    def forward(self, z_a: torch.Tensor, z_b: torch.Tensor) -> torch.Tensor:
        return info_nce(z_a, z_b, self.temperature)


def mine_negatives(distances: torch.Tensor, margin: float, mining: str, generator: torch.Generator | None = None):
    """Index of a negative for each anchor row from the pairwise distances (B, B), diagonal = positives."""
    n = distances.shape[0]
    off_diag = ~torch.eye(n, dtype=torch.bool, device=distances.device)
    if mining == "random":
        shift = torch.randint(1, n, (n,), generator=generator).to(distances.device)
        return (torch.arange(n, device=distances.device) + shift) % n
    masked = distances.masked_fill(~off_diag, float("inf"))
    hardest = masked.argmin(1)
    if mining == "hard":
        return hardest
    positive = distances.diagonal().unsqueeze(1)
    semi = off_diag & (distances > positive) & (distances < positive + margin)
    semi_choice = distances.masked_fill(~semi, float("inf")).argmin(1)
    return torch.where(semi.any(1), semi_choice, hardest)


def triplet_loss(
    z_a: torch.Tensor,
    z_b: torch.Tensor,
    margin: float = 0.2,
    mining: str = "semi-hard",
    generator: torch.Generator | None = None,
    negatives: torch.Tensor | None = None,
) -> torch.Tensor:
    """Triplet loss on unit embeddings; negatives from modality B, mined in-batch unless given."""
    a, b = F.normalize(z_a, dim=1), F.normalize(z_b, dim=1)
    if negatives is None:
        with torch.no_grad():
            negatives = mine_negatives(torch.cdist(a, b), margin, mining, generator)
    return F.triplet_margin_loss(a, b, b[negatives], margin=margin)
