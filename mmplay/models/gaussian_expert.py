"""An expert that predicts a Gaussian ``N(μ(x), σ²(x))`` from one modality's input."""

from __future__ import annotations

import torch
from torch import nn


class GaussianExpert(nn.Module):
    """``x → (μ, log σ²)`` with one tanh hidden layer; inputs standardised by fixed (loc, scale)."""

    def __init__(self, in_dim: int, hidden: int, loc: float, scale: float) -> None:
        super().__init__()
        self.register_buffer("loc", torch.tensor(loc))
        self.register_buffer("scale", torch.tensor(scale))
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.Tanh(), nn.Linear(hidden, 2))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.net((x - self.loc) / self.scale)  # (N, 2)
        mean = out[:, 0] * self.scale + self.loc  # (N,)
        variance = torch.exp(out[:, 1].clamp(-12, 8)) * self.scale**2  # (N,)
        return mean, variance
