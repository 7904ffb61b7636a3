"""The six synergy models' training losses and their gradient in closed form, without autograd.

For logits ``ℓ`` (N, 6) of :class:`~mmplay.models.gate_heads.GateModelBank` and labels ``y`` (N,), the
loss of model ``k`` is ``L_k = (1/N) Σ_n BCE(ℓ_nk, y_n)`` with ``∂L_k/∂ℓ_nk = (σ(ℓ_nk) − y_n)/N``.
With ``G = (σ(ℓ) − y)/N`` (the gradient of ``Σ_k L_k``), back through the bank:

- linear rows: ``∂W = (G_linᵀ φ) ⊙ M``, ``∂b = Σ_n G_lin``;
- MLP (``h = tanh(φ₂W₁ᵀ + c)``, ``ℓ = h v + d``): ``∂v = hᵀ G_m``, ``∂d = Σ_n G_m``,
  ``∂z = (G_m vᵀ) ⊙ (1 − h²)``, ``∂W₁ = ∂zᵀ φ₂``, ``∂c = Σ_n ∂z``.

Autograd would record and replay ~30 small operations per step, and its engine costs more than the
arithmetic at this size: on the server's one core that was half of a live tick. The losses come back
without a graph (the trainer then skips ``backward``); ``tests/test_synergy.py`` checks the
gradient against autograd's.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mmplay import elementwise
from mmplay.models.gate_heads import GateModelBank


@torch.no_grad()
def bank_bce(bank: GateModelBank, phi: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-model mean BCE (6,) of ``bank`` on lifted features ``φ`` (N, 3) and labels ``y`` (N,); adds
    the gradient of their sum to ``bank.theta.grad`` (created if ``None``)."""
    p = bank.plain_views()
    hidden = elementwise.tanh(torch.addmm(p["c"], phi[:, :2], p["W1"].t()))  # (N, width)
    linear = torch.addmm(p["b"], phi, (p["W"] * bank.mask).t())  # (N, 5)
    logits = torch.cat([linear, torch.addmm(p["d"], hidden, p["v"])], dim=1)  # (N, 6)
    losses = F.binary_cross_entropy_with_logits(logits, y[:, None].expand_as(logits), reduction="none").mean(0)
    g = (torch.sigmoid(logits) - y[:, None]) / len(y)  # (N, 6)
    g_lin, g_mlp = g[:, :5], g[:, 5:]
    d_z = (g_mlp @ p["v"].t()) * (1 - hidden * hidden)  # (N, width)
    parts = (
        (g_lin.t() @ phi) * bank.mask,  # W
        g_lin.sum(0),  # b
        d_z.t() @ phi[:, :2],  # W1
        d_z.sum(0),  # c
        hidden.t() @ g_mlp,  # v
        g_mlp.sum(0),  # d
    )
    grad = torch.cat([t.reshape(-1) for t in parts])
    if bank.theta.grad is None:
        bank.theta.grad = grad
    else:
        bank.theta.grad += grad
    return losses
