"""The six binary classifiers of the synergy lab, each mapping ``{a: (N,1), b: (N,1)}`` to logits.

- ``a_only``, ``b_only``: ``ℓ = w·x_m + c`` (logistic regression on one modality);
- ``late_sum``: ``ℓ = (w_a x + c_a) + (w_b y + c_b)``, the sum of two unimodal logits;
- ``linear_concat``: ``ℓ = w·[x, y] + c``;
- ``interaction``: ``ℓ = w·[x, y, x·y] + c`` — the lifted space where XOR is linearly separable;
- ``mlp``: ``ℓ = v·tanh(W[x, y] + c) + d``.
"""

from __future__ import annotations

import torch
from torch import nn

MODEL_NAMES = ("a_only", "b_only", "late_sum", "linear_concat", "interaction", "mlp")


class Unimodal(nn.Module):
    """Logistic regression on one modality."""

    def __init__(self, modality: str) -> None:
        super().__init__()
        self.modality = modality
        self.linear = nn.Linear(1, 1)

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.linear(x[self.modality]).squeeze(-1)  # (N,)


class LateSum(nn.Module):
    """Late fusion: the sum of two unimodal logits, trained through the sum."""

    def __init__(self) -> None:
        super().__init__()
        self.heads = nn.ModuleList([Unimodal("a"), Unimodal("b")])

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.heads[0](x) + self.heads[1](x)  # (N,)


def lift(x: dict[str, torch.Tensor], interaction: bool) -> torch.Tensor:
    """``[x, y]`` or ``[x, y, x·y]``, shape (N, 2) or (N, 3)."""
    parts = [x["a"], x["b"]] + ([x["a"] * x["b"]] if interaction else [])
    return torch.cat(parts, dim=1)


class LinearFusion(nn.Module):
    """Logistic regression on the concatenation, optionally with the interaction ``x·y``."""

    def __init__(self, interaction: bool) -> None:
        super().__init__()
        self.interaction = interaction
        self.linear = nn.Linear(3 if interaction else 2, 1)

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.linear(lift(x, self.interaction)).squeeze(-1)  # (N,)


class MLPFusion(nn.Module):
    """One hidden tanh layer of ``width`` units on ``[x, y]``."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, width), nn.Tanh(), nn.Linear(width, 1))

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.net(lift(x, False)).squeeze(-1)  # (N,)


class GateModelBank(nn.Module):
    """All six models; ``forward`` returns their logits side by side, shape (N, 6)."""

    def __init__(self, mlp_width: int) -> None:
        super().__init__()
        self.models = nn.ModuleDict(
            {
                "a_only": Unimodal("a"),
                "b_only": Unimodal("b"),
                "late_sum": LateSum(),
                "linear_concat": LinearFusion(interaction=False),
                "interaction": LinearFusion(interaction=True),
                "mlp": MLPFusion(mlp_width),
            }
        )

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return torch.stack([self.models[name](x) for name in MODEL_NAMES], dim=1)  # (N, 6)
