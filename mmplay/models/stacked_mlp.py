"""K one-hidden-layer ReLU MLPs of the same shape, trained together: stacked weights and closed-form gradients.

Member k maps ``x`` (N, D) to ``y_k = relu(x W₁ₖ + b₁ₖ) W₂ₖ + b₂ₖ``. Stacked, the K members take
``X`` (K, N, D) in two batched products (``torch.baddbmm``), and the backward pass from ``∂L/∂Y`` is

- ``∂W₂ = Hᵀ ∂Y``, ``∂b₂ = Σᵢ ∂Yᵢ``, ``∂H = ∂Y W₂ᵀ``;
- ``∂Z = ∂H ⊙ [H > 0]`` (ReLU), ``∂W₁ = Xᵀ ∂Z``, ``∂b₁ = Σᵢ ∂Zᵢ``,

each one operation for all K members. For the missing-modalities lab's four small models on minibatches of
500 this replaces autograd's ≈ 60 recorded operations a step with ≈ 20. ``tests/test_stacked_mlp.py``
checks the members against ``torch.nn.Sequential`` and the gradients against autograd.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class StackedMLP(nn.Module):
    """Parameters ``w1`` (K, D, H), ``b1`` (K, 1, H), ``w2`` (K, H, O), ``b2`` (K, 1, O)."""

    def __init__(self, members: Sequence[nn.Sequential]) -> None:
        """Stack ``members``, each ``Sequential(Linear(D, H), ReLU(), Linear(H, O))``, keeping their weights."""
        super().__init__()
        first, second = [m[0] for m in members], [m[2] for m in members]
        self.w1 = nn.Parameter(torch.stack([layer.weight.detach().t() for layer in first]).contiguous())
        self.b1 = nn.Parameter(torch.stack([layer.bias.detach() for layer in first]).unsqueeze(1))
        self.w2 = nn.Parameter(torch.stack([layer.weight.detach().t() for layer in second]).contiguous())
        self.b2 = nn.Parameter(torch.stack([layer.bias.detach() for layer in second]).unsqueeze(1))

    def member(self, k: int, x: torch.Tensor) -> torch.Tensor:
        """Member ``k``'s output for ``x`` (N, D): (N, O)."""
        hidden = torch.addmm(self.b1[k], x, self.w1[k]).clamp_min_(0)
        return torch.addmm(self.b2[k], hidden, self.w2[k])

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every member's output for its own rows ``x`` (K, N, D): ``(Y, H)``, the outputs (K, N, O) and the
        hidden activations (K, N, H) that :meth:`set_grads` needs."""
        hidden = torch.baddbmm(self.b1, x, self.w1).clamp_min_(0)
        return torch.baddbmm(self.b2, hidden, self.w2), hidden

    @torch.no_grad()
    def set_grads(self, x: torch.Tensor, hidden: torch.Tensor, d_out: torch.Tensor) -> None:
        """Set every parameter's ``.grad`` to ``∂L/∂θ``, given the inputs, :meth:`forward`'s hidden activations
        and ``∂L/∂Y`` (K, N, O)."""
        self.w2.grad = torch.bmm(hidden.transpose(1, 2), d_out)
        self.b2.grad = d_out.sum(1, keepdim=True)
        d_hidden = torch.ops.aten.threshold_backward(torch.bmm(d_out, self.w2.transpose(1, 2)), hidden, 0)
        self.w1.grad = torch.bmm(x.transpose(1, 2), d_hidden)
        self.b1.grad = d_hidden.sum(1, keepdim=True)
