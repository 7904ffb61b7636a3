"""Metrics on predictions: accuracy, negative log-likelihood, calibration."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mmplay import elementwise


def binary_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """``mean[(ℓ > 0) = y]`` per column for logits (N,) or (N, M) and labels (N,)."""
    labels = labels.reshape(-1, *([1] * (logits.dim() - 1)))
    return ((logits > 0).float() == labels).float().mean(dim=0)


def binary_nll(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy ``−[y log σ(ℓ) + (1−y) log(1−σ(ℓ))]`` per column."""
    labels = labels.reshape(-1, *([1] * (logits.dim() - 1))).expand_as(logits)
    return F.binary_cross_entropy_with_logits(logits, labels, reduction="none").mean(dim=0)


def chance_accuracy(labels: torch.Tensor) -> float:
    """The best accuracy without looking at the input: the most frequent class's share, ``max_k mean[y = k]``."""
    _, counts = torch.unique(labels, return_counts=True)
    return float(counts.max()) / labels.numel()


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Multi-class accuracy ``mean[argmax ℓ = y]`` for logits (N, K), labels (N,)."""
    return float((logits.argmax(dim=-1) == labels).float().mean())


def reliability_bins(probs: torch.Tensor, labels: torch.Tensor, bins: int = 10) -> dict[str, list[float]]:
    """Equal-width bins of predicted ``P(y=1)``: mean confidence, empirical frequency and count per bin."""
    edges = torch.linspace(0, 1, bins + 1, device=probs.device)
    index = torch.bucketize(probs.clamp(0, 1), edges[1:-1])  # (N,) in [0, bins)
    count = torch.bincount(index, minlength=bins).float()
    mean_prob = torch.bincount(index, weights=probs, minlength=bins) / count.clamp_min(1)
    frequency = torch.bincount(index, weights=labels.float(), minlength=bins) / count.clamp_min(1)
    return {"confidence": mean_prob.tolist(), "frequency": frequency.tolist(), "count": count.tolist()}


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = 10) -> float:
    """``ECE = Σ_b (n_b / N) |mean p_b − mean y_b|`` over equal-width bins of ``P(y=1)``."""
    table = reliability_bins(probs, labels, bins)
    total = sum(table["count"])
    return sum(n / total * abs(p - f) for p, f, n in zip(table["confidence"], table["frequency"], table["count"]))


def pair_ranks(sims: torch.Tensor, block: int = 128) -> tuple[torch.Tensor, torch.Tensor]:
    """For a similarity matrix (N, N) with pairs on the diagonal: how many keys beat each true pair along rows (a
    query per row) and along columns, ``(#{j : sᵢⱼ > sᵢᵢ}, #{i : sᵢⱼ > sⱼⱼ})``. Counted in float arithmetic,
    ``[s > sᵢᵢ] = [s − sᵢᵢ > 0]`` written as 1.0 or 0.0 in place (exact: ``s − sᵢᵢ`` is 0 only when ``s = sᵢᵢ``),
    which on the CPU is a third faster than a boolean tensor and its sum; ``block`` rows at a time, both ways while
    they are in cache, into one reused buffer (N = 1,000: 1.35 → 0.98 ms on one CPU thread)."""
    n = sims.shape[0]
    pairs = sims.diagonal()
    rows, cols = sims.new_empty(n), sims.new_zeros(n)
    buffer = sims.new_empty(min(block, n), n)
    for start in range(0, n, block):
        part = sims[start : start + block]
        above = buffer[: len(part)]
        torch.sub(part, pairs[start : start + block].unsqueeze(1), out=above).gt_(0)
        torch.sum(above, 1, out=rows[start : start + block])
        torch.sub(part, pairs, out=above).gt_(0)
        cols.add_(above.sum(0))
    return rows, cols


def retrieval_recall(z_a: torch.Tensor, z_b: torch.Tensor, ks: tuple[int, ...] = (1, 5)) -> dict[str, float]:
    """Recall@k both ways: the fraction of rows whose pair is among the k nearest by cosine similarity.

    One similarity matrix serves both directions: ``S = â b̂ᵀ`` for A → B (rows) and its columns for B → A.
    Keys: ``recall_at_{k}.a_to_b`` and ``recall_at_{k}.b_to_a``.
    """
    sims = F.normalize(z_a, dim=1) @ F.normalize(z_b, dim=1).T  # (N, N)
    ranks = dict(zip(("a_to_b", "b_to_a"), pair_ranks(sims)))
    return {f"recall_at_{k}.{d}": float((r < k).float().mean()) for k in ks for d, r in ranks.items()}


def alignment_uniformity(z_a: torch.Tensor, z_b: torch.Tensor, t: float = 2.0) -> tuple[float, float]:
    """Wang & Isola: ``align = E‖a − b‖²`` over pairs; ``uniform = log E exp(−t‖x − y‖²)`` over all pairs
    ``i < j`` of the 2N rows ``x`` (both modalities, normalised).

    The pair sum from one Gram matrix: ``‖xᵢ − xⱼ‖² = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ``, so with ``uᵢ = e^{−t‖xᵢ‖²}`` and
    ``Eᵢⱼ = e^{2t xᵢ·xⱼ}``, ``Σ_{i<j} e^{−t‖xᵢ − xⱼ‖²} = ½ (uᵀ E u − Σᵢ uᵢ² Eᵢᵢ)``.
    """
    a, b = F.normalize(z_a, dim=1), F.normalize(z_b, dim=1)
    align = float(((a - b) ** 2).sum(1).mean())
    both = torch.cat([a, b]) * (2 * t) ** 0.5
    gram = elementwise.exp_(torch.mm(both, both.T))  # E
    u = torch.exp(-0.5 * both.square().sum(1))  # e^{−t‖x‖²}
    pairs = (u @ gram @ u - (u * u * gram.diagonal()).sum()) / 2
    count = len(both) * (len(both) - 1) / 2
    return align, float(torch.log(pairs / count))
