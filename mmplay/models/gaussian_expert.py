"""K experts, each predicting a Gaussian ``N(μ(x), σ²(x))`` from its own modality's input, stacked."""

from __future__ import annotations

import torch
from torch import nn

from mmplay.models.stacked_tanh_mlp import StackedTanhMLP

LOG_VARIANCE_RANGE = (-12.0, 8.0)  # the clamp of o₁


class GaussianExperts(nn.Module):
    """Expert k: ``u = (x − loc)/scale``, ``o = netₖ(u)`` with one tanh hidden layer (items on the last axis,
    :class:`~mmplay.models.stacked_tanh_mlp.StackedTanhMLP`), ``μ = o₀·scale + loc`` and
    ``σ² = e^{clamp(o₁, −12, 8)}·scale²``; inputs standardised by fixed numbers (loc, scale)."""

    def __init__(self, experts: int, in_dim: int, hidden: int, loc: float, scale: float) -> None:
        super().__init__()
        self.loc, self.scale = loc, scale
        members = [nn.Sequential(nn.Linear(in_dim, hidden), nn.Tanh(), nn.Linear(hidden, 2)) for _ in range(experts)]
        self.net = StackedTanhMLP(members)

    def standardise(self, x: torch.Tensor) -> torch.Tensor:
        """``(x − loc)/scale``: the nets' inputs from readings, and from weights the targets ``t`` in their units."""
        return (x - self.loc) / self.scale

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Each expert's ``(μ, σ²)``, both (K, N), for its own readings ``x`` (K, D, N)."""
        out = self.net(self.standardise(x))[0]  # (K, 2, N)
        mean = out[:, 0] * self.scale + self.loc
        variance = torch.exp(out[:, 1].clamp(*LOG_VARIANCE_RANGE)) * self.scale**2
        return mean, variance
