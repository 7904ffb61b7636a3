"""Two noisy sensors reading one true weight: ``w ~ N(μ₀, s₀²)``, ``x_a = w + ε_a``, ``x_b = w + b + ε_b``.

``ε_a ~ N(0, σ_a²)``, ``ε_b ~ N(0, σ_b²)`` independent, so ``x_a ⊥ x_b | w``; ``b`` is sensor B's
bias (a drift that appears at test time: the experts are trained on unbiased readings).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class WeightReadings:
    x: dict[str, torch.Tensor]  # {"a": (N, 1), "b": (N, 1)} sensor readings
    w: torch.Tensor  # (N,) true weights

    def to(self, device: torch.device) -> WeightReadings:
        return WeightReadings({k: v.to(device) for k, v in self.x.items()}, self.w.to(device))

    def columns(self, bias: float = 0.0) -> torch.Tensor:
        """Both sensors' readings as columns (2, 1, N), with ``bias`` added to sensor B's."""
        return torch.stack([self.x["a"], self.x["b"] + bias]).transpose(1, 2)


def make_weight_readings(
    n: int, prior_mean: float, prior_std: float, noise_a: float, noise_b: float, seed: int
) -> WeightReadings:
    """Draw ``n`` unbiased reading pairs (seeded)."""
    gen = torch.Generator().manual_seed(seed)
    w = prior_mean + prior_std * torch.randn(n, generator=gen)
    x_a = w + noise_a * torch.randn(n, generator=gen)
    x_b = w + noise_b * torch.randn(n, generator=gen)
    return WeightReadings({"a": x_a.unsqueeze(1), "b": x_b.unsqueeze(1)}, w)
