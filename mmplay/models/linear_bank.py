"""Several linear classifiers over slices of one input, as one masked matrix with closed-form gradients.

Member k maps its slice of an item ``x`` (D,) to logits ``ℓ_k = W_k x_{S_k} + b_k`` (C,). Stacked, the bank is
``W`` (K·C, D) with zeros outside each member's slice (the 0/1 mask ``M``), so every member's logits for items
``X`` (D, N), one per column, come from one product, ``ℓ = (M ⊙ W) X + b`` (K·C, N); from ``∂L/∂ℓ`` the gradients
are ``∂W = (∂ℓ Xᵀ) ⊙ M`` and ``∂b = Σᵢ ∂ℓᵢ``. A masked weight starts at zero and gets no gradient, so Adam (no
weight decay: it moves a weight by its gradient's moments only) leaves it at zero, ``M ⊙ W = W``, and the forward
pass is ``ℓ = W X + b``. Items are columns (class-major): torch's CPU kernels for softmax and sums over a short
class dimension are slow when it is the last one. The gating lab's three classifiers (on A, on B and on
[A, B]) train this way; ``tests/test_gating_loss.py`` checks the members against the ``nn.Linear`` layers the
bank was built from and the gradients against autograd.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class LinearBank(nn.Module):
    """Parameters ``weight`` (K·C, D) and ``bias`` (K·C,); buffer ``mask`` (K·C, D)."""

    def __init__(self, members: Sequence[nn.Linear], slices: Sequence[slice], width: int) -> None:
        """Stack ``members`` (each ``Linear(len(slice), C)``, keeping its weights), member k reading features
        ``slices[k]`` of inputs ``width`` wide."""
        super().__init__()
        classes, like = members[0].out_features, members[0].weight
        weight = torch.zeros(len(members) * classes, width, dtype=like.dtype, device=like.device)
        mask = torch.zeros_like(weight)
        for k, (layer, cols) in enumerate(zip(members, slices)):
            weight[k * classes : (k + 1) * classes, cols] = layer.weight.detach()
            mask[k * classes : (k + 1) * classes, cols] = 1.0
        self.classes = classes
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(torch.cat([layer.bias.detach() for layer in members]))
        self.register_buffer("mask", mask)

    def forward(self, x: torch.Tensor, out: torch.Tensor | None = None, first: int = 0) -> torch.Tensor:
        """The logits of members ``first`` … K − 1 for items ``x`` (D, N): (K − first, C, N), written into ``out``
        when given."""
        rows = slice(first * self.classes, None)
        return torch.addmm(self.bias[rows].unsqueeze(1), self.weight[rows], x, out=out).unflatten(0, (-1, self.classes))

    @torch.no_grad()
    def set_grads(self, x: torch.Tensor, d_logits: torch.Tensor) -> None:
        """Set ``.grad`` to ``∂W = (∂ℓ Xᵀ) ⊙ M`` and ``∂b = Σᵢ ∂ℓᵢ``, given ``x`` (D, N) and ``∂L/∂ℓ`` (K, C, N)."""
        flat = d_logits.flatten(0, 1)
        self.weight.grad = torch.mm(flat, x.t()) * self.mask
        self.bias.grad = flat.sum(1)
