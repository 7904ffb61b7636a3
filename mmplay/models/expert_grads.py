"""The experts lab's training losses and their gradients in closed form, without autograd.

Expert ``m`` (:class:`~mmplay.models.gaussian_expert.GaussianExpert`): ``u = (x − loc)/scale``, ``o = net(u)``
(N, 2), ``μ = o₀·scale + loc``, ``s = clamp(o₁, −12, 8)``, ``σ² = eˢ·scale²``. Its loss, the Gaussian NLL
``L = (1/N) Σᵢ ½[log 2πσ² + (w − μ)²/σ²]``, has ``∂L/∂μ = −(w − μ)/(Nσ²)`` and ``∂L/∂s = ½[1 − (w − μ)²/σ²]/N``
(zero where ``o₁`` is clamped), so ``∂L/∂o = [∂L/∂μ·scale, ∂L/∂s]``, taken back through ``net``
(:mod:`mmplay.models.mlp_grads`).

Gate: logits ``g = gate([x_a, x_b]/σ₀)`` (N, 2), ``π = softmax(g)``, ``ℓ_k = log π_k + log N(w; μ_k, σ_k²)`` with the
experts' ``μ, σ²`` held fixed; its loss ``L = −(1/N) Σᵢ log Σ_k e^{ℓ_k}`` has ``∂L/∂g = (π − r)/N`` with the
responsibilities ``r = softmax(ℓ)``. ``tests/test_experts_lab.py`` checks every gradient against autograd's.
"""

from __future__ import annotations

import math

import torch

from mmplay import ops
from mmplay.models import mlp_grads

LOG_VARIANCE_RANGE = (-12.0, 8.0)  # GaussianExpert's clamp of o₁


@torch.no_grad()
def experts_losses(
    experts: torch.nn.ModuleDict, x: dict[str, torch.Tensor], w: torch.Tensor, prior_std: float
) -> dict[str, torch.Tensor]:
    """``{"expert_a", "expert_b", "gate"}`` on readings ``x`` (each (N, 1)) of weights ``w`` (N,); adds the gradient
    of their sum to the ``.grad`` of ``experts``' parameters."""
    n, losses, log_densities = len(w), {}, []
    for m in ("a", "b"):
        expert = experts[m]
        tape = mlp_grads.forward(expert.net, (x[m] - expert.loc) / expert.scale)
        out = tape[-1]
        mean = out[:, 0] * expert.scale + expert.loc
        log_var = out[:, 1].clamp(*LOG_VARIANCE_RANGE)
        variance = log_var.exp() * expert.scale**2
        squared = (w - mean) ** 2 / variance
        log_density = -0.5 * (torch.log(2 * math.pi * variance) + squared)
        losses[f"expert_{m}"] = -log_density.mean()
        log_densities.append(log_density)
        inside = (out[:, 1] >= LOG_VARIANCE_RANGE[0]) & (out[:, 1] <= LOG_VARIANCE_RANGE[1])
        d_out = torch.stack([-(w - mean) / variance * expert.scale, 0.5 * (1 - squared) * inside], 1) / n
        mlp_grads.backward(expert.net, tape, d_out)
    gate = experts["gate"]
    tape = mlp_grads.forward(gate, torch.cat([x["a"], x["b"]], 1) / prior_std)
    log_pi = ops.log_softmax(tape[-1])
    joint = log_pi + torch.stack(log_densities, 1)  # ℓ (N, 2)
    mixture = torch.logsumexp(joint, 1)
    losses["gate"] = -mixture.mean()
    mlp_grads.backward(gate, tape, (log_pi.exp() - (joint - mixture[:, None]).exp()) / n)
    return losses
