"""The experts lab's training losses and their gradients in closed form, without autograd.

Expert k (:class:`~mmplay.models.gaussian_expert.GaussianExperts`) sees ``u = (x − loc)/scale`` and outputs
``o = (o₀, o₁)``, ``μ = o₀·scale + loc``, ``ℓ = clamp(o₁, −12, 8)``, ``σ² = eˡ·scale²``. In the nets' units,
``t = (w − loc)/scale`` and ``r = t − o₀``, the squared error is ``q = (w − μ)²/σ² = r²e⁻ˡ``, so the Gaussian NLL
``L = (1/N) Σᵢ ½[log 2π + 2 log scale + ℓ + q]`` has ``∂L/∂o₀ = −r e⁻ˡ/N`` and ``∂L/∂o₁ = ½(1 − q)/N`` (zero
where ``o₁`` is clamped: ``hardtanh_backward``, without a bool tensor), taken back through the stacked nets (both
experts in one pass, :class:`~mmplay.models.stacked_tanh_mlp.StackedTanhMLP`).

Gate: logits ``g = gate([x_a, x_b]/σ₀)`` (2, N), ``π = softmax(g)``, ``ℓ_k = log π_k + log N(w; μ_k, σ_k²)`` with the
experts' ``μ, σ²`` held fixed; its loss ``L = −(1/N) Σᵢ log Σ_k e^{ℓ_k}`` (``logaddexp`` of the two) has
``∂L/∂g = (π − ρ)/N`` with the responsibilities ``ρ = softmax(ℓ)``. The constant ``c = ½ log 2π + log scale`` of
``−log N`` is shared by both experts, so ``ρ`` ignores it and it is added to the three losses at the end.
``tests/test_experts_lab.py`` checks every gradient against autograd's.
"""

from __future__ import annotations

import math

import torch

from mmplay import elementwise
from mmplay.models.gaussian_expert import LOG_VARIANCE_RANGE


@torch.no_grad()
def experts_losses(
    models: torch.nn.ModuleDict, u: torch.Tensor, t: torch.Tensor, g: torch.Tensor
) -> dict[str, torch.Tensor]:
    """``{"expert_a", "expert_b", "gate"}`` on standardised readings ``u`` (2, 1, N) of weights ``t`` (2, N), each
    in its expert's units, and the gate's inputs ``g`` (2, N); sets the ``.grad`` of ``models``' parameters
    (``"experts"``, ``"gate"``) to the gradient of their sum."""
    experts, gate, n = models["experts"], models["gate"], t.shape[-1]
    out, hidden = experts.net.forward(u)  # (2, 2, N); forward: no nn.Module call machinery a step
    raw_log_var = out[:, 1]
    log_var = raw_log_var.clamp(*LOG_VARIANCE_RANGE)
    residual = t - out[:, 0]
    scaled = residual * elementwise.exp_(log_var.neg())  # r e⁻ˡ
    squared = scaled * residual  # q
    d_log_var = torch.rsub(squared, 0.5 / n, alpha=0.5 / n)  # ½(1 − q)/N where o₁ is not clamped
    d_log_var = torch.ops.aten.hardtanh_backward(d_log_var, raw_log_var, *LOG_VARIANCE_RANGE)
    experts.net.set_grads(u, hidden, torch.stack([scaled * (-1 / n), d_log_var], 1))
    log_density = (log_var + squared).mul_(-0.5)  # log N(w; μ, σ²) + c, with c = ½ log 2π + log scale
    g = g.unsqueeze(0)
    logits, gate_hidden = gate.forward(g)  # (1, 2, N)
    log_pi = logits[0].log_softmax(0)
    joint = log_pi + log_density  # ℓ + c (2, N): the responsibilities ignore c
    mixture = torch.logaddexp(joint[0], joint[1])  # log Σ_k e^{ℓ_k} + c
    gate.set_grads(g, gate_hidden, (elementwise.exp(log_pi) - elementwise.exp_(joint - mixture)).div_(n).unsqueeze(0))
    c = 0.5 * math.log(2 * math.pi) + math.log(experts.scale)
    expert_a, expert_b, gate_loss = torch.rsub(torch.cat([log_density, mixture.unsqueeze(0)]).mean(1), c)
    return {"expert_a": expert_a, "expert_b": expert_b, "gate": gate_loss}
