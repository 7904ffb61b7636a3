"""A nonlinear map between embedding spaces that standardises its input and output.

``f(x) = MLP((x − μ_a) / σ_a) · σ_b + μ_b`` with the standardisation fitted on the training pairs, so
the MLP trains on unit-scale targets while ``forward`` speaks the original units.
"""

from __future__ import annotations

import torch
from torch import nn

from mmplay.models import mlp_grads


class StandardisedMLP(nn.Module):
    def __init__(self, a: torch.Tensor, b: torch.Tensor, hidden: int) -> None:
        super().__init__()
        self.register_buffer("a_loc", a.mean(0).float())
        self.register_buffer("a_scale", a.std(0).float().clamp_min(1e-6))
        self.register_buffer("b_loc", b.mean(0).float())
        self.register_buffer("b_scale", b.std(0).float().clamp_min(1e-6))
        self.net = nn.Sequential(nn.Linear(a.shape[1], hidden), nn.Tanh(), nn.Linear(hidden, b.shape[1]))

    def source(self, a: torch.Tensor) -> torch.Tensor:
        """``(a − μ_a) / σ_a``: what :attr:`net` reads."""
        return (a.float() - self.a_loc) / self.a_scale

    def standardised(self, x: torch.Tensor) -> torch.Tensor:
        """The MLP on standardised input, in standardised output units."""
        return mlp_grads.forward(self.net, self.source(x))[-1]  # its Tanh: elementwise.tanh, as in training

    def target(self, b: torch.Tensor) -> torch.Tensor:
        """``(b − μ_b) / σ_b``: what :meth:`standardised` is trained to match."""
        return (b.float() - self.b_loc) / self.b_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.standardised(x) * self.b_scale + self.b_loc
