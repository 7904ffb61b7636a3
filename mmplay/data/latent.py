"""Four classes in a 2-D latent space, seen by two complementary modalities.

Class c has latent mean ``z̄_c ∈ {±δ/2}²``; an item's latent is ``z = z̄_c + s·u`` (``u ~ N(0, I)``,
shared by both modalities, so ``s > 0`` correlates them within a class). Modality A sees
``x_a = (z₁, w·z₂) + o + σ ε_a``, modality B sees ``x_b = (w·z₁, z₂) + o + σ ε_b``: each is sharp
on one latent axis and weak (w) on the other, so they complement each other. ``nuisance`` extra
features of pure noise ``σ ε`` can be appended to each modality (real ones are high-dimensional).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

CLASSES = 4


@dataclass(frozen=True)
class TwoModalData:
    x: dict[str, torch.Tensor]  # {"a": (N, 2), "b": (N, 2)}
    y: torch.Tensor  # (N,) class in {0..3}

    def to(self, device: torch.device) -> TwoModalData:
        return TwoModalData({k: v.to(device) for k, v in self.x.items()}, self.y.to(device))

    def replace(self, modality: str, values: torch.Tensor) -> TwoModalData:
        return TwoModalData({**self.x, modality: values}, self.y)


def class_means(separation: float) -> torch.Tensor:
    """The four latent class means, shape (4, 2)."""
    corners = torch.tensor([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    return corners * separation / 2


def make_two_modal(
    n: int,
    *,
    separation: float = 2.0,
    weak: float = 0.35,
    shared_std: float = 0.0,
    noise: float = 0.5,
    offset: float = 0.0,
    nuisance: int = 0,
    seed: int = 0,
) -> TwoModalData:
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, CLASSES, (n,), generator=gen)
    z = class_means(separation)[y] + shared_std * torch.randn(n, 2, generator=gen)  # (N, 2)
    x_a = torch.stack([z[:, 0], weak * z[:, 1]], dim=1) + offset + noise * torch.randn(n, 2, generator=gen)
    x_b = torch.stack([weak * z[:, 0], z[:, 1]], dim=1) + offset + noise * torch.randn(n, 2, generator=gen)
    extra = lambda: noise * torch.randn(n, nuisance, generator=gen)  # noqa: E731
    return TwoModalData({"a": torch.cat([x_a, extra()], 1), "b": torch.cat([x_b, extra()], 1)}, y)


def corrupt_noise(x: torch.Tensor, std: float, seed: int) -> torch.Tensor:
    """``x + std·ε`` with ``ε ~ N(0, I)`` (seeded)."""
    gen = torch.Generator().manual_seed(seed)
    return x + std * torch.randn(x.shape, generator=gen).to(x.device)


def corrupt_misleading(data: TwoModalData, modality: str, prob: float, seed: int) -> torch.Tensor:
    """With probability ``prob`` per item, modality's features come from an item of another class."""
    gen = torch.Generator().manual_seed(seed)
    n = data.y.shape[0]
    swap = torch.rand(n, generator=gen) < prob
    donors = torch.randperm(n, generator=gen)
    # keep only donors of a different class; others fall back to the item's own features
    different = data.y[donors.to(data.y.device)].cpu() != data.y.cpu()
    use = (swap & different).to(data.y.device)
    source = data.x[modality][donors.to(data.y.device)]
    return torch.where(use.unsqueeze(1), source, data.x[modality])
