"""Two ReLU encoders and a linear concat head: cross-entropy and its gradient in closed form, without autograd.

Encoder ``u`` (``torch.nn.Sequential(Linear, ReLU, Linear, ReLU)``): ``z₁ = x W₁ᵀ + b₁``, ``h = relu(z₁)``,
``z₂ = h W₂ᵀ + b₂``, ``φ_u = relu(z₂)``. Head: ``ℓ = [φ_a, φ_b] Hᵀ + c``, ``L = (1/B) Σᵢ CE(ℓᵢ, yᵢ)`` with
``∂L/∂ℓ = (softmax(ℓ) − onehot(y))/B``. Back through the head: ``∂H = ∂ℓᵀ [φ_a, φ_b]``, ``∂c = Σᵢ ∂ℓ``,
``∂φ = ∂ℓ H``. Unimodal auxiliary heads weighted ``w_u`` (``ℓ_u = φ_u A_uᵀ + a_u``) add
``∂ℓ_u = w_u (softmax(ℓ_u) − onehot(y))/B``, ``∂A_u = ∂ℓ_uᵀ φ_u``, ``∂a_u = Σᵢ ∂ℓ_u``, ``∂φ_u += ∂ℓ_u A_u``.
Back through an encoder: ``∂z₂ = ∂φ ⊙ [z₂ > 0]``, ``∂W₂ = ∂z₂ᵀ h``, ``∂b₂ = Σᵢ ∂z₂``,
``∂z₁ = (∂z₂ W₂) ⊙ [z₁ > 0]``, ``∂W₁ = ∂z₁ᵀ x``, ``∂b₁ = Σᵢ ∂z₁``.

At a minibatch of 64, autograd's recording and engine cost more than the arithmetic: forward and backward took
277 µs a step, these 87 µs. ``tests/test_dominance.py`` checks the gradients against autograd's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from mmplay import ops


@dataclass(frozen=True)
class EncoderPass:
    """One encoder's forward pass, kept for its backward."""

    x: torch.Tensor
    z1: torch.Tensor
    h: torch.Tensor
    z2: torch.Tensor
    phi: torch.Tensor


def encode(encoder: torch.nn.Sequential, x: torch.Tensor) -> EncoderPass:
    first, second = encoder[0], encoder[2]
    z1 = torch.addmm(first.bias, x, first.weight.t())
    h = z1.clamp_min(0)
    z2 = torch.addmm(second.bias, h, second.weight.t())
    return EncoderPass(x, z1, h, z2, z2.clamp_min(0))


def _add_grad(param: torch.nn.Parameter, grad: torch.Tensor) -> None:
    param.grad = grad if param.grad is None else param.grad + grad


def _linear_grads(layer: torch.nn.Linear, d_out: torch.Tensor, inputs: torch.Tensor) -> None:
    _add_grad(layer.weight, d_out.t() @ inputs)
    _add_grad(layer.bias, d_out.sum(0))


def _encoder_grads(encoder: torch.nn.Sequential, forward: EncoderPass, d_phi: torch.Tensor) -> None:
    d_z2 = d_phi * (forward.z2 > 0)
    _linear_grads(encoder[2], d_z2, forward.h)
    d_z1 = (d_z2 @ encoder[2].weight) * (forward.z1 > 0)
    _linear_grads(encoder[0], d_z1, forward.x)


def _ce_and_grad(logits: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and its gradient with respect to ``logits``."""
    log_p = ops.log_softmax(logits)
    d_logits = log_p.exp()
    d_logits[torch.arange(len(y), device=y.device), y] -= 1
    return F.nll_loss(log_p, y), d_logits / len(y)


@torch.no_grad()
def concat_losses(
    models: torch.nn.ModuleDict,
    x: dict[str, torch.Tensor],
    y: torch.Tensor,
    aux_weights: Callable[[dict[str, float]], dict[str, float]] | None = None,
) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Losses ``{"fused"}`` (and ``{"aux_a", "aux_b"}``, each weighted, when ``aux_weights`` maps the unweighted
    auxiliary losses to their weights) and the encoders' features ``{"a", "b"}``; adds the gradient of the summed
    losses to the ``.grad`` of ``models``' ``enc_a``, ``enc_b``, ``head`` (and ``aux_a``, ``aux_b``)."""
    passes = {u: encode(models[f"enc_{u}"], x[u]) for u in ("a", "b")}
    phi = torch.cat([passes["a"].phi, passes["b"].phi], 1)
    head = models["head"]
    loss, d_logits = _ce_and_grad(torch.addmm(head.bias, phi, head.weight.t()), y)
    losses = {"fused": loss}
    _linear_grads(head, d_logits, phi)
    d_phi = d_logits @ head.weight
    width = passes["a"].phi.shape[1]
    d_features = {"a": d_phi[:, :width], "b": d_phi[:, width:]}
    if aux_weights is not None:
        aux = {u: _ce_and_grad(models[f"aux_{u}"](passes[u].phi), y) for u in ("a", "b")}
        weights = aux_weights({u: float(value) for u, (value, _) in aux.items()})
        for u, (value, d_aux) in aux.items():
            losses[f"aux_{u}"] = weights[u] * value
            _linear_grads(models[f"aux_{u}"], weights[u] * d_aux, passes[u].phi)
            d_features[u] = d_features[u] + weights[u] * d_aux @ models[f"aux_{u}"].weight
    for u in ("a", "b"):
        _encoder_grads(models[f"enc_{u}"], passes[u], d_features[u])
    return losses, {u: passes[u].phi for u in ("a", "b")}
