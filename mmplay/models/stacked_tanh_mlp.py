"""K one-hidden-layer tanh MLPs of the same shape on columns (items on the last axis), with closed-form gradients.

Member k maps ``x`` (D, N) to ``y_k = W₂ₖ tanh(W₁ₖᵀ x + b₁ₖ) + b₂ₖ`` (O, N), with ``W₁ₖ`` (D, H) and ``W₂ₖ`` (O, H).
Stacked, the K members take ``X`` (K, D, N) in two batched products (``torch.baddbmm``), and the backward pass from
``∂L/∂Y`` (K, O, N) is

- ``∂W₂ = ∂Y Hᵀ``, ``∂b₂ = Σᵢ ∂Y_:ᵢ``, ``∂H = W₂ᵀ ∂Y``;
- ``∂Z = ∂H ⊙ (1 − H²)`` (tanh), ``∂W₁ = X ∂Zᵀ``, ``∂b₁ = Σᵢ ∂Z_:ᵢ``,

each one operation for all K members. With items on the last axis each output (a Gaussian's mean, its
log-variance, a gate's logit) is a contiguous row, so a loss's elementwise arithmetic and its reductions over the
few outputs run on contiguous memory (torch's CPU kernels over a short last dimension are slow). For the experts lab's
two experts that is 9 operations a step for both passes instead of 18 one expert at a time (and the loss's
arithmetic runs once for both). ``tests/test_experts_lab.py`` checks the gradients against autograd.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmplay import elementwise
from mmplay.models.stacked_output import output_layer_grads


class StackedTanhMLP(nn.Module):
    """Parameters ``w1`` (K, D, H), ``b1`` (K, H, 1), ``w2`` (K, O, H), ``b2`` (K, O, 1)."""

    def __init__(self, members: Sequence[nn.Sequential]) -> None:
        """Stack ``members``, each ``Sequential(Linear(D, H), Tanh(), Linear(H, O))``, keeping their weights."""
        super().__init__()
        first, second = [m[0] for m in members], [m[2] for m in members]
        self.w1 = nn.Parameter(torch.stack([layer.weight.detach().t() for layer in first]).contiguous())
        self.b1 = nn.Parameter(torch.stack([layer.bias.detach() for layer in first]).unsqueeze(2))
        self.w2 = nn.Parameter(torch.stack([layer.weight.detach() for layer in second]))
        self.b2 = nn.Parameter(torch.stack([layer.bias.detach() for layer in second]).unsqueeze(2))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every member's output for its own columns ``x`` (K, D, N): ``(Y, H)``, the outputs (K, O, N) and the
        hidden activations (K, H, N) that :meth:`set_grads` needs."""
        hidden = elementwise.tanh_(torch.baddbmm(self.b1, self.w1.transpose(1, 2), x))
        return torch.baddbmm(self.b2, self.w2, hidden), hidden

    @torch.no_grad()
    def set_grads(self, x: torch.Tensor, hidden: torch.Tensor, d_out: torch.Tensor) -> None:
        """Set every parameter's ``.grad`` to ``∂L/∂θ``, given the inputs, :meth:`forward`'s hidden activations
        and ``∂L/∂Y`` (K, O, N)."""
        d_hidden = torch.ops.aten.tanh_backward(
            output_layer_grads(self.w2, self.b2, hidden, d_out), hidden
        )  # ∂H ⊙ (1 − H²)
        self.w1.grad = torch.bmm(x, d_hidden.transpose(1, 2))
        self.b1.grad = d_hidden.sum(2, keepdim=True)
