"""An easy modality and a hard one, both needed for the best accuracy.

Binary label y. Modality A (``d_a`` features) is linear and easy: ``x_a = (2y − 1)·m·u + ε``
(u a fixed unit direction, ``m`` the margin — the imbalance knob). Modality B hides y in an XOR
code: a latent pair ``(s₁, s₂) ∈ {±1}²`` with ``s₁·s₂ = 2y − 1``, seen as ``x_b[:2] = s + σ ε`` plus
``d_b − 2`` noise features; only a nonlinear encoder can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ImbalancedData:
    x: dict[str, torch.Tensor]  # {"a": (N, d_a), "b": (N, d_b)}
    y: torch.Tensor  # (N,) in {0, 1}

    def to(self, device: torch.device) -> ImbalancedData:
        return ImbalancedData({k: v.to(device) for k, v in self.x.items()}, self.y.to(device))


def make_imbalanced(
    n: int, *, margin_a: float, noise_b: float, d_a: int = 16, d_b: int = 8, seed: int = 0
) -> ImbalancedData:
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=gen)
    sign = (2 * y - 1).float().unsqueeze(1)  # (N, 1)
    direction = torch.nn.functional.normalize(torch.ones(1, d_a), dim=1)
    x_a = sign * margin_a * direction + torch.randn(n, d_a, generator=gen)
    s1 = torch.randint(0, 2, (n, 1), generator=gen).float() * 2 - 1
    code = torch.cat([s1, s1 * sign], dim=1)  # (N, 2), s1·s2 = 2y − 1
    x_b = torch.cat([code + noise_b * torch.randn(n, 2, generator=gen), torch.randn(n, d_b - 2, generator=gen)], 1)
    return ImbalancedData({"a": x_a, "b": x_b}, y)
