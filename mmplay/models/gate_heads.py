"""The six binary classifiers of the synergy lab, each mapping ``{a: (N,1), b: (N,1)}`` to logits.

- ``a_only``, ``b_only``: ``ℓ = w·x_m + c`` (logistic regression on one modality);
- ``late_sum``: ``ℓ = (w_a x) + (w_b y) + c``, the sum of two unimodal logits (one shared bias);
- ``linear_concat``: ``ℓ = w·[x, y] + c``;
- ``interaction``: ``ℓ = w·[x, y, x·y] + c`` — the lifted space where XOR is linearly separable;
- ``mlp``: ``ℓ = v·tanh(W[x, y] + c) + d``.

The five linear models are the rows of one masked matrix on the lifted features ``φ = [x, y, x·y]``:
``ℓ_lin = φ (M ⊙ W)ᵀ + b`` with ``M`` the 0/1 mask of the inputs each model may see, so all six
train in a handful of tensor operations, and every parameter lives in one flat vector ``θ`` (one
Adam update per step). The models stay independent: no parameter is shared, and a masked weight
gets no gradient.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from mmplay import elementwise

MODEL_NAMES = ("a_only", "b_only", "late_sum", "linear_concat", "interaction", "mlp")
LINEAR_NAMES = MODEL_NAMES[:5]
INPUT_MASK = (  # which of φ = [x, y, x·y] each linear model sees
    (1.0, 0.0, 0.0),
    (0.0, 1.0, 0.0),
    (1.0, 1.0, 0.0),
    (1.0, 1.0, 0.0),
    (1.0, 1.0, 1.0),
)
FAN_IN = (1, 1, 1, 2, 3)  # per linear model: its init bound is 1/√fan_in, as nn.Linear's (late sum: two 1-input heads)


def lift(x: dict[str, torch.Tensor]) -> torch.Tensor:
    """The lifted features ``φ = [x, y, x·y]``, shape (N, 3)."""
    return torch.cat([x["a"], x["b"], x["a"] * x["b"]], dim=1)


class GateModelBank(nn.Module):
    """All six models; ``forward`` returns their logits side by side, shape (N, 6).

    ``θ`` holds, in order: the linear weights ``W`` (5, 3), their biases ``b`` (5,), and the MLP's
    ``W₁`` (width, 2), ``c`` (width,), ``v`` (width,), ``d`` (1,). Initialisation follows
    ``nn.Linear``: ``U(−1/√fan_in, 1/√fan_in)`` for each weight row and its bias.
    """

    def __init__(self, mlp_width: int) -> None:
        super().__init__()
        self.width = mlp_width
        self._plain_key: tuple | None = None  # what plain_views() were made from
        self._plain: dict[str, torch.Tensor] = {}
        self.register_buffer("mask", torch.tensor(INPUT_MASK))
        bounds = torch.tensor([1 / math.sqrt(f) for f in FAN_IN])
        parts = [
            (torch.rand(5, 3) * 2 - 1) * bounds[:, None] * self.mask,
            (torch.rand(5) * 2 - 1) * bounds,
            (torch.rand(mlp_width, 2) * 2 - 1) / math.sqrt(2),
            (torch.rand(mlp_width) * 2 - 1) / math.sqrt(2),
            (torch.rand(mlp_width) * 2 - 1) / math.sqrt(mlp_width),
            (torch.rand(1) * 2 - 1) / math.sqrt(mlp_width),
        ]
        self.theta = nn.Parameter(torch.cat([p.reshape(-1) for p in parts]))

    def views(self, theta: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Named views into ``θ`` (or ``theta``, laid out alike): ``W``, ``b``, ``W1``, ``c``, ``v``, ``d``
        (no copies; gradients flow to ``θ``)."""
        theta = self.theta if theta is None else theta
        return self._slice(theta)

    def plain_views(self) -> dict[str, torch.Tensor]:
        """:meth:`views` of ``θ`` without autograd, made once per storage: the optimizer updates ``θ``
        in place, so the views stay current (a training step reads them twice)."""
        theta = self.theta.detach()
        key = (theta.data_ptr(), theta.device, theta.dtype)
        if self._plain_key != key:
            self._plain_key, self._plain = key, self._slice(theta)
        return self._plain

    def _slice(self, theta: torch.Tensor) -> dict[str, torch.Tensor]:
        shapes = {"W": (5, 3), "b": (5,), "W1": (self.width, 2), "c": (self.width,), "v": (self.width, 1), "d": (1,)}
        out, start = {}, 0
        for name, shape in shapes.items():
            size = math.prod(shape)
            out[name] = theta[start : start + size].view(shape)
            start += size
        return out

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        p, phi = self.views(), lift(x)
        linear = torch.addmm(p["b"], phi, (p["W"] * self.mask).t())  # (N, 5)
        hidden = elementwise.tanh(torch.addmm(p["c"], phi[:, :2], p["W1"].t()))  # (N, width)
        return torch.cat([linear, torch.addmm(p["d"], hidden, p["v"])], dim=1)  # (N, 6)

    def linear_model(self, name: str) -> tuple[list[float], float]:
        """Weights on ``[x, y, x·y]`` (masked inputs read 0) and bias of linear model ``name``."""
        p, row = self.views(), LINEAR_NAMES.index(name)
        weights = (p["W"][row] * self.mask[row]).detach().cpu().tolist()
        return weights, float(p["b"][row].detach().cpu())
