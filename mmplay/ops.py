"""Row-wise softmax and cross-entropy that are fast for a few classes on the CPU.

``softmax(x)_ic = exp(x_ic − max_c x_ic) / Σ_c' exp(x_ic' − max_c x_ic)`` over the last dimension,
``log_softmax(x)_ic = x_ic − logsumexp_c' x_ic'`` and ``CE(x, y) = −(1/N) Σ_i log_softmax(x)_{i, y_i}``.

torch's CPU kernels over a short last dimension (the labs' 2–4 classes, thousands of rows) take a slow
path: softmax of (4000, 3) costs ≈ 260 µs, the same over dim 0 of its transpose ≈ 40 µs (one thread).
So on the CPU these run over the transposed view — the same numbers, autograd included; on a GPU they
call torch's own. ``tests/test_ops.py`` checks values and gradients against ``torch.nn.functional``.

Their results keep the transposed layout (a copy to the row layout costs ≈ 340 µs), and torch's ``argmax``
over the last dimension of such a tensor takes ≈ 380 µs for (4000, 4); :func:`argmax` walks the few classes
instead, ``i* = argmax_c x_ic`` (the first on ties, as torch's): ≈ 65 µs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mmplay import elementwise


def softmax(x: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension of ``x`` (at least 2-D)."""
    if x.is_cuda:
        return x.softmax(-1)
    return x.transpose(-2, -1).softmax(-2).transpose(-2, -1)


def log_softmax(x: torch.Tensor) -> torch.Tensor:
    """Log-softmax over the last dimension of ``x`` (at least 2-D)."""
    if x.is_cuda:
        return x.log_softmax(-1)
    return x.transpose(-2, -1).log_softmax(-2).transpose(-2, -1)


def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (N, C) against class indices ``target`` (N,)."""
    return F.nll_loss(log_softmax(logits), target)


def cross_entropy_and_grad(logits: torch.Tensor, onehot: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy of ``logits`` (…, N, C) against one-hot targets ``onehot`` (N, C), one per leading index,
    ``−(1/N) Σᵢ Σ_c onehot_ic log_softmax(ℓ)_ic``, and its gradient ``(softmax(ℓ) − onehot)/N``, without autograd."""
    log_p = log_softmax(logits)
    n = onehot.shape[0]
    return -(log_p * onehot).sum((-2, -1)) / n, (elementwise.exp(log_p) - onehot) / n


def argmax(x: torch.Tensor) -> torch.Tensor:
    """Index of the largest entry over the last dimension, the first on ties (``torch.argmax``'s)."""
    if x.is_cuda or x.is_contiguous():
        return x.argmax(-1)
    best = x[..., 0]
    index = torch.zeros(x.shape[:-1], dtype=torch.long, device=x.device)
    for c in range(1, x.shape[-1]):
        column = x[..., c]
        index.masked_fill_(column > best, c)
        best = torch.maximum(best, column)
    return index
