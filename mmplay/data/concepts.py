"""K concepts seen by two different nonlinear "sensors", each with strong private nuisance.

An item has a concept c and a shared latent ``z = μ_c + s·u`` (r dims; u is the item's own
variation, seen by both modalities), plus private factors ``n_a, n_b`` (q dims each, scale ν) that
only one modality sees. Sensor m: ``x_m = tanh(g · [z, n_m] W_m) + σ ε`` with a fixed random
``W_m`` (its own width: 32 for A, 48 for B) and nonlinearity gain g.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class PairedData:
    x: dict[str, torch.Tensor]  # {"a": (N, 32), "b": (N, 48)}
    concept: torch.Tensor  # (N,)

    def to(self, device: torch.device) -> PairedData:
        return PairedData({k: v.to(device) for k, v in self.x.items()}, self.concept.to(device))

    def subset(self, limit: int) -> PairedData:
        """The first ``limit`` pairs."""
        return PairedData({k: v[:limit] for k, v in self.x.items()}, self.concept[:limit])


def make_concepts(
    n: int,
    *,
    concepts: int = 10,
    noise: float = 0.1,
    gain: float = 1.0,
    nuisance: float = 2.0,
    seed: int = 0,
    world_seed: int = 1234,
    latent: int = 8,
    private: int = 8,
    widths: tuple[int, int] = (32, 48),
) -> PairedData:
    """Items of one world (concept means and sensors fixed by ``world_seed``), drawn with ``seed``."""
    world = torch.Generator().manual_seed(world_seed)
    means = torch.randn(concepts, latent, generator=world) * 1.5
    sensors = {
        m: torch.randn(latent + private, w, generator=world) / (latent + private) ** 0.5
        for m, w in zip(("a", "b"), widths)
    }
    gen = torch.Generator().manual_seed(seed)
    concept = torch.randint(0, concepts, (n,), generator=gen)
    z = means[concept] + 0.5 * torch.randn(n, latent, generator=gen)
    x = {}
    for m in ("a", "b"):
        own = nuisance * torch.randn(n, private, generator=gen)
        clean = torch.tanh(gain * torch.cat([z, own], 1) @ sensors[m])
        x[m] = clean + noise * torch.randn(clean.shape, generator=gen)
    return PairedData(x, concept)


def digits_halves_pairs(seed: int, test_items: int = 500) -> tuple[PairedData, PairedData]:
    """scikit-learn's handwritten digits: A = left half (32 pixels), B = right half; concept = the digit.

    A seeded split into train and ``test_items`` held-out pairs; pixels scaled to [0, 1].
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32) / 16.0  # (1797, 8, 8)
    a, b = images[:, :, :4].reshape(len(images), -1), images[:, :, 4:].reshape(len(images), -1)
    labels = torch.tensor(digits.target)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    test, train = order[:test_items], order[test_items:]
    pick = lambda idx: PairedData({"a": a[idx], "b": b[idx]}, labels[idx])  # noqa: E731
    return pick(train), pick(test)
