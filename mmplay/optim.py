"""Adam and SGD with momentum as one fused kernel call per step, without ``torch.optim``'s bookkeeping.

- Adam: ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``, ``θ ← θ − lr·m̂/(√v̂ + ε)`` with ``m̂ = m/(1−β₁ᵗ)``,
  ``v̂ = v/(1−β₂ᵗ)``;
- SGD with momentum μ: ``b ← μb + g`` (``b ← g`` on the first step), ``θ ← θ − lr·b``.

Both call the kernels that ``torch.optim.Adam(fused=True)`` and ``torch.optim.SGD(fused=True)`` call
(``torch._fused_adam_``, ``torch._fused_sgd_``) on the parameters that have a gradient, so they give the same
numbers bit for bit (``tests/test_optim.py``). What they leave out is the per-call Python of
``torch.optim.Optimizer.step`` (hooks, profiler labels, state lookup, grouping by device and dtype): on a tick of
50 small steps it cost 3–8 ms of the server's CPU (Adam.step ≈ 160 µs a call in the missing-modalities lab, the
kernel ≈ 8 µs). One device and one dtype per optimizer (every lab's models are on one device).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import torch


class Optimizer(Protocol):
    """What :class:`mmplay.train.Trainer` needs of an optimizer (``torch.optim`` ones included)."""

    def zero_grad(self, set_to_none: bool = True) -> None: ...

    def step(self) -> None: ...


class _Fused:
    """Parameters, and ``zero_grad``, shared by the two optimizers."""

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float) -> None:
        self.params = list(params)
        self.lr = lr

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every gradient (``set_to_none`` is accepted for ``torch.optim``'s signature; it is always so)."""
        for param in self.params:
            param.grad = None

    def with_grad(self) -> list[int]:
        """Indices of the parameters that have a gradient this step (the others are left as they are)."""
        return [i for i, param in enumerate(self.params) if param.grad is not None]


class Adam(_Fused):
    """``torch.optim.Adam(params, lr, fused=True)`` (β = (0.9, 0.999), ε = 1e-8, no weight decay)."""

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        self.betas, self.eps = betas, eps
        self.exp_avg = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        device = self.params[0].device if self.params else None
        self.step_counts = torch.zeros(len(self.params), dtype=torch.float32, device=device)  # t of each parameter
        self.steps = list(self.step_counts.unbind())  # views, as the kernel takes them; one add_ counts them all

    @torch.no_grad()
    def step(self) -> None:
        live = self.with_grad()
        if not live:
            return
        if len(live) == len(self.params):  # t ← t + 1 before the update, as torch.optim.Adam does
            self.step_counts.add_(1)
        else:
            self.step_counts[live] += 1
        torch._fused_adam_(
            [self.params[i] for i in live],
            [self.params[i].grad for i in live],
            [self.exp_avg[i] for i in live],
            [self.exp_avg_sq[i] for i in live],
            [],
            [self.steps[i] for i in live],
            lr=self.lr,
            beta1=self.betas[0],
            beta2=self.betas[1],
            weight_decay=0.0,
            eps=self.eps,
            amsgrad=False,
            maximize=False,
        )


class SGD(_Fused):
    """``torch.optim.SGD(params, lr, momentum, fused=True)`` (no dampening, weight decay or Nesterov)."""

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float, momentum: float) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.buffers = [torch.zeros_like(p) for p in self.params]  # b = μ·0 + g = g on a parameter's first step

    @torch.no_grad()
    def step(self) -> None:
        live = self.with_grad()
        if not live:
            return
        torch._fused_sgd_(
            [self.params[i] for i in live],
            [self.params[i].grad for i in live],
            [self.buffers[i] for i in live],
            weight_decay=0.0,
            momentum=self.momentum,
            lr=self.lr,
            dampening=0.0,
            nesterov=False,
            maximize=False,
            is_first_step=False,
        )
