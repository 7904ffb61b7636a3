"""Two-modality gates on four noisy corners: modality A sees x, modality B sees y.

A corner ``(s_x, s_y) ∈ {−1, +1}²`` is drawn uniformly; the point is
``(x, y) = (s_x, s_y) + ε`` with ``ε ~ N(0, σ² I)``; the label is the gate of the corner:
``xor``: ``[s_x ≠ s_y]``, ``and``: ``[s_x = s_y = +1]``, ``or``: ``[s_x = +1 ∨ s_y = +1]``,
``redundant``: ``s_x = s_y`` and the label is ``[s_x = +1]``, ``unique_a``: ``[s_x = +1]``
with ``s_y`` independent of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

PRESETS = ("xor", "and", "or", "redundant", "unique_a")


def gate_label(preset: str, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """The label (0/1) of corners ``sx, sy ∈ {−1, +1}`` under ``preset``."""
    a, b = sx > 0, sy > 0
    gates = {"xor": a != b, "and": a & b, "or": a | b, "redundant": a, "unique_a": a}
    if preset not in gates:
        raise ValueError(f"unknown preset {preset!r}; choose from {PRESETS}")
    return gates[preset].astype(np.int64)


def gate_table(preset: str) -> np.ndarray:
    """The noise-free joint distribution ``p[a, b, y]`` (shape (2, 2, 2)) of the gate."""
    table = np.zeros((2, 2, 2))
    for ia, sx in enumerate((-1, 1)):
        for ib, sy in enumerate((-1, 1)):
            if preset == "redundant" and sx != sy:
                continue
            y = int(gate_label(preset, np.array([sx]), np.array([sy]))[0])
            table[ia, ib, y] = 1.0
    return table / table.sum()


@dataclass(frozen=True)
class GateSplit:
    """Points of one split; ``x[m]`` is modality m's input, shape (N, 1)."""

    x: dict[str, torch.Tensor]  # {"a": (N, 1), "b": (N, 1)}
    y: torch.Tensor  # (N,) float labels in {0, 1}

    def to(self, device: torch.device) -> GateSplit:
        return GateSplit({k: v.to(device) for k, v in self.x.items()}, self.y.to(device))


def make_gate_data(preset: str, n: int, noise: float, seed: int) -> GateSplit:
    """Draw ``n`` noisy corner points of ``preset`` with noise std ``noise``."""
    rng = np.random.default_rng(seed)
    sx = rng.choice([-1.0, 1.0], size=n)
    sy = sx.copy() if preset == "redundant" else rng.choice([-1.0, 1.0], size=n)
    label = gate_label(preset, sx, sy)
    x = sx + noise * rng.standard_normal(n)
    y = sy + noise * rng.standard_normal(n)
    as_col = lambda v: torch.tensor(v, dtype=torch.float32).unsqueeze(1)  # noqa: E731
    return GateSplit({"a": as_col(x), "b": as_col(y)}, torch.tensor(label, dtype=torch.float32))
