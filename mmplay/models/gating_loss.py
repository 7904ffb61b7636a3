"""The gating lab's training losses and their gradients in closed form, without autograd.

Items are columns (class-major, as :class:`~mmplay.models.linear_bank.LinearBank` takes them).

Experts (a bank of the classifiers on A, on B and on [A, B]): on clean inputs with one-hot labels ``Y`` (C, N),
logits ``ℓ_k`` (C, N) and ``L_k = −(1/N) Σᵢ Σ_c Y_ci log softmax(ℓ_k)_ci``, whose gradient is
``∂L_k/∂ℓ_k = (softmax(ℓ_k) − Y)/N``.

Gate (:class:`~mmplay.robust.gating.SoftGate`): on the noisy copy, the experts' predictions ``P_k`` (C, N) are held
fixed, features ``f`` feed ``s = MLP(f)`` (3, N) and ``g = softmax(s)``; the mixture's probability of the true class
is ``p_y = Σ_k g_k q_k`` with ``q_k = P_k[y]``, and ``L = −(1/N) Σᵢ log max(p_y, 10⁻⁹)``. Then
``∂L/∂s = (g − r)/N`` with the responsibilities ``r_k = g_k q_k / p_y`` (zero where ``p_y < 10⁻⁹``: the clamp
holds there), taken back through the MLP (:meth:`~mmplay.robust.gating.SoftGate.set_grads`).

Autograd recorded and replayed ≈ 80 small operations a step, more than the arithmetic costs at this size;
``tests/test_gating_loss.py`` checks the losses and every gradient against autograd's.
"""

from __future__ import annotations

import torch

from mmplay.models.linear_bank import LinearBank
from mmplay.robust import gating as g

EXPERTS = ("a_only", "b_only", "naive")  # the members of the bank, in order
MIN_MIXTURE = 1e-9  # the clamp of p_y under the logarithm


@torch.no_grad()
def gating_losses(
    experts: LinearBank,
    gate: g.SoftGate,
    clean: torch.Tensor,
    noisy: torch.Tensor,
    log_dist: torch.Tensor,
    onehot: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """``{"a_only", "b_only", "naive", "learned_gate"}`` on clean inputs ``clean`` (D, N), their noisy copy ``noisy``
    (D, N) with its ``log1p d²`` (2, N), and one-hot labels ``onehot`` (C, N); sets every parameter's ``.grad`` to
    the gradient of their sum."""
    n = onehot.shape[1]
    log_p = experts(clean).log_softmax(1)  # (3, C, N)
    experts.set_grads(clean, (log_p.exp() - onehot) / n)
    probs = experts(noisy).softmax(1)
    features = g.gate_features(g.disagreement(probs[0], probs[1], dim=-2), log_dist)
    hidden, logits = gate.hidden_and_logits(features)
    weights = logits.softmax(0)  # g (3, N)
    weighted = weights * (probs * onehot).sum(1)  # g_k q_k
    mixture = weighted.sum(0)  # p_y
    clamped = mixture.clamp_min(MIN_MIXTURE)
    held = (mixture >= MIN_MIXTURE).to(mixture.dtype) / n
    gate.set_grads(features, hidden, (weights - weighted / clamped) * held)
    losses = -(log_p * onehot).sum((1, 2)) / n
    return {**dict(zip(EXPERTS, losses.unbind())), "learned_gate": -torch.log(clamped).mean()}
