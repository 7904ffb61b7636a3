"""Three ways to fuse a question with a sequence of frames.

- ``ConcatMLP``: ``MLP([q, flatten(frames)])`` — parameters grow with T.
- ``MeanPoolMLP``: ``MLP([q, mean_t frames_t])`` — order-free, but averages the answer away.
- ``CrossAttention``: ``α = softmax_t((W_q q)·(W_k f_t)/√d)``, ``z = Σ_t α_t W_v f_t``,
  then ``MLP([q, z])`` — the question queries the frames; parameters do not depend on T.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def head(in_dim: int, hidden: int, classes: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, classes))


class ConcatMLP(nn.Module):
    def __init__(self, q_dim: int, frame_dim: int, length: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.mlp = head(q_dim + length * frame_dim, hidden, classes)

    def forward(self, question: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([question, frames.flatten(1)], dim=1))  # (N, C)


class MeanPoolMLP(nn.Module):
    def __init__(self, q_dim: int, frame_dim: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.mlp = head(q_dim + frame_dim, hidden, classes)

    def forward(self, question: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([question, frames.mean(dim=1)], dim=1))  # (N, C)


class CrossAttention(nn.Module):
    def __init__(self, q_dim: int, frame_dim: int, attn_dim: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.query = nn.Linear(q_dim, attn_dim, bias=False)
        self.key = nn.Linear(frame_dim, attn_dim, bias=False)
        self.value = nn.Linear(frame_dim, attn_dim, bias=False)
        self.mlp = head(q_dim + attn_dim, hidden, classes)
        self.scale = 1.0 / math.sqrt(attn_dim)

    def weights(self, question: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """Attention of the question over the frames, shape (N, T), rows sum to 1."""
        scores = torch.einsum("na,nta->nt", self.query(question), self.key(frames)) * self.scale  # (N, T)
        return scores.softmax(dim=1)

    def forward(self, question: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        alpha = self.weights(question, frames)  # (N, T)
        attended = torch.einsum("nt,nta->na", alpha, self.value(frames))  # (N, attn_dim)
        return self.mlp(torch.cat([question, attended], dim=1))  # (N, C)
