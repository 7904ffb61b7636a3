"""The output layer shared by the stacked MLPs (:mod:`~mmplay.models.stacked_mlp`,
:mod:`~mmplay.models.stacked_tanh_mlp`): K members' ``Y = W₂ H + b₂`` with items as columns, and its backward pass.

From ``∂L/∂Y`` (K, O, N) and the hidden activations ``H`` (K, H, N): ``∂W₂ = ∂Y Hᵀ``, ``∂b₂ = Σᵢ ∂Y_{:,i}`` and
``∂H = W₂ᵀ ∂Y``, one batched operation each.
"""

from __future__ import annotations

import torch
from torch import nn


def output_layer_grads(w2: nn.Parameter, b2: nn.Parameter, hidden: torch.Tensor, d_out: torch.Tensor) -> torch.Tensor:
    """Set ``w2.grad`` (K, O, H) and ``b2.grad`` (K, O, 1); return ``∂L/∂H`` (K, H, N). Called from a ``set_grads``
    that runs without autograd (``torch.no_grad``)."""
    w2.grad = torch.bmm(d_out, hidden.transpose(1, 2))
    b2.grad = d_out.sum(2, keepdim=True)
    return torch.bmm(w2.transpose(1, 2), d_out)
