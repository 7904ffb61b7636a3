"""Two ReLU encoders and a linear concat head: cross-entropy and its gradient in closed form, without autograd.

Encoders ``φ_u = enc_u(x_u)`` (:mod:`mmplay.models.mlp_grads`). Head: ``ℓ = [φ_a, φ_b] Hᵀ + c``,
``L = (1/B) Σᵢ CE(ℓᵢ, yᵢ)`` with ``∂L/∂ℓ = (softmax(ℓ) − onehot(y))/B`` (targets given one-hot); back through the
head: ``∂H = ∂ℓᵀ [φ_a, φ_b]``, ``∂c = Σᵢ ∂ℓ``, ``∂φ = ∂ℓ H``. Unimodal auxiliary heads weighted ``w_u``
(``ℓ_u = φ_u A_uᵀ + a_u``) add ``∂ℓ_u = w_u (softmax(ℓ_u) − onehot(y))/B``, ``∂A_u = ∂ℓ_uᵀ φ_u``,
``∂a_u = Σᵢ ∂ℓ_u`` and ``∂φ_u += ∂ℓ_u A_u``. ``tests/test_dominance.py`` checks the gradients against autograd.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from mmplay import ops
from mmplay.models import mlp_grads


@torch.no_grad()
def concat_losses(
    models: torch.nn.ModuleDict,
    x: dict[str, torch.Tensor],
    onehot: torch.Tensor,
    aux_weights: Callable[[dict[str, float]], dict[str, float]] | None = None,
) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Given one-hot targets (B, C): losses ``{"fused"}`` (and ``{"aux_a", "aux_b"}``, each weighted, when
    ``aux_weights`` maps the unweighted auxiliary losses to their weights) and the encoders' features ``{"a", "b"}``;
    adds the gradient of the summed losses to the ``.grad`` of ``models``' ``enc_a``, ``enc_b``, ``head`` (and
    ``aux_a``, ``aux_b``)."""
    tapes = {u: mlp_grads.forward(models[f"enc_{u}"], x[u]) for u in ("a", "b")}
    phi = {u: tape[-1] for u, tape in tapes.items()}
    both, head = torch.cat([phi["a"], phi["b"]], 1), models["head"]
    loss, d_logits = ops.cross_entropy_and_grad(torch.addmm(head.bias, both, head.weight.t()), onehot)
    losses = {"fused": loss}
    mlp_grads.linear_backward(head, both, d_logits)
    d_both = d_logits @ head.weight
    width = phi["a"].shape[1]
    d_phi = {"a": d_both[:, :width], "b": d_both[:, width:]}
    if aux_weights is not None:
        aux = {u: ops.cross_entropy_and_grad(models[f"aux_{u}"](phi[u]), onehot) for u in ("a", "b")}
        weights = aux_weights({u: float(value) for u, (value, _) in aux.items()})
        for u, (value, d_aux) in aux.items():
            losses[f"aux_{u}"] = weights[u] * value
            mlp_grads.linear_backward(models[f"aux_{u}"], phi[u], weights[u] * d_aux)
            d_phi[u] = d_phi[u] + weights[u] * d_aux @ models[f"aux_{u}"].weight
    for u in ("a", "b"):
        mlp_grads.backward(models[f"enc_{u}"], tapes[u], d_phi[u])
    return losses, phi
