"""Metrics on predictions: accuracy, negative log-likelihood, calibration."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def binary_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """``mean[(ℓ > 0) = y]`` per column for logits (N,) or (N, M) and labels (N,)."""
    labels = labels.reshape(-1, *([1] * (logits.dim() - 1)))
    return ((logits > 0).float() == labels).float().mean(dim=0)


def binary_nll(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy ``−[y log σ(ℓ) + (1−y) log(1−σ(ℓ))]`` per column."""
    labels = labels.reshape(-1, *([1] * (logits.dim() - 1))).expand_as(logits)
    return F.binary_cross_entropy_with_logits(logits, labels, reduction="none").mean(dim=0)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Multi-class accuracy ``mean[argmax ℓ = y]`` for logits (N, K), labels (N,)."""
    return float((logits.argmax(dim=-1) == labels).float().mean())
