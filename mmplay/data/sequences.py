"""A "video question" task: T frames, a question that names one frame, the answer is its attribute.

A codebook holds ``n_keys`` random unit keys (``key_dim``). Each example draws T distinct keys;
frame t is ``[k_t, onehot(a_t)·s] + noise`` with attribute ``a_t ∈ {0…C−1}``. The question is the
target frame's key plus noise; the label is the target's attribute. All other frames are
distractors, so a model must find the frame that matches the question.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SequenceData:
    frames: torch.Tensor  # (N, T, key_dim + C)
    question: torch.Tensor  # (N, key_dim)
    label: torch.Tensor  # (N,) attribute of the target frame
    target: torch.Tensor  # (N,) index of the target frame

    def to(self, device: torch.device) -> SequenceData:
        return SequenceData(*(t.to(device) for t in (self.frames, self.question, self.label, self.target)))


def make_sequences(
    n: int, length: int, *, key_dim: int = 16, classes: int = 4, n_keys: int = 128, noise: float = 0.1, seed: int = 0
) -> SequenceData:
    gen = torch.Generator().manual_seed(seed)
    codebook = torch.nn.functional.normalize(torch.randn(n_keys, key_dim, generator=gen), dim=1)
    keys = torch.argsort(torch.rand(n, n_keys, generator=gen), dim=1)[:, :length]  # (N, T) distinct keys
    attributes = torch.randint(0, classes, (n, length), generator=gen)  # (N, T)
    frames = torch.cat([codebook[keys], torch.nn.functional.one_hot(attributes, classes).float()], dim=2)
    frames = frames + noise * torch.randn(frames.shape, generator=gen)  # (N, T, key_dim + C)
    target = torch.randint(0, length, (n,), generator=gen)  # (N,)
    rows = torch.arange(n)
    question = codebook[keys[rows, target]] + noise * torch.randn(n, key_dim, generator=gen)  # (N, key_dim)
    return SequenceData(frames, question, attributes[rows, target], target)
