"""The gating lab's training losses and their gradients in closed form, without autograd.

Items are columns (class-major, as :class:`~mmplay.models.linear_bank.LinearBank` takes them).

Experts (a bank of the classifiers on A, on B and on [A, B]): on clean inputs with one-hot labels ``Y`` (C, N),
logits ``ℓ_k`` (C, N) and ``L_k = −(1/N) Σᵢ Σ_c Y_ci log softmax(ℓ_k)_ci``, whose gradient is
``∂L_k/∂ℓ_k = (softmax(ℓ_k) − Y)/N``. Both take ``−Y/N`` (given with ``Y``): ``L_k = Σ (−Y/N) ⊙ log P_k`` and
``∂L_k/∂ℓ_k = P_k/N + (−Y/N)``, one operation each instead of three.

Gate (:class:`~mmplay.robust.gating.SoftGate`): on the noisy copy, the experts' predictions ``P_k`` (C, N) are held
fixed (:func:`gate_inputs` computes them, with the gate's features, for many steps' items at once), features ``f``
feed ``s = MLP(f)`` (3, N) and ``g = softmax(s)``; the mixture's probability of the true class is
``p_y = Σ_k g_k q_k`` with ``q_k = P_k[y]``, and ``L = −(1/N) Σᵢ log max(p_y, 10⁻⁹)``. Then
``∂L/∂s = (g − r)/N`` with the responsibilities ``r_k = g_k q_k / p_y`` (zero where ``p_y ≤ 10⁻⁹``: the clamp
holds there), taken back through the MLP (:meth:`~mmplay.robust.gating.SoftGate.set_grads`).

The gate's features ``[H(p_a), H(p_b), JS(p_a, p_b), log1p d²_a, log1p d²_b]`` come from the sums
``E = Σ_c q log q`` of ``q ∈ {p_a, p_b, m = (p_a + p_b)/2}`` taken together: ``H = −E`` and
``JS = H(m) − ½ H(p_a) − ½ H(p_b) = ½ E_a + ½ E_b − E_m``: two small products (``m`` and these), no stacking.

Autograd recorded and replayed ≈ 80 small operations a step, more than the arithmetic costs at this size; this is
≈ 40. ``tests/test_gating_loss.py`` checks the losses and every gradient against autograd's.
"""

from __future__ import annotations

import functools

import torch

from mmplay import elementwise
from mmplay.models.linear_bank import LinearBank
from mmplay.robust import gating as g

EXPERTS = ("a_only", "b_only", "naive")  # the members of the bank, in order
MIN_MIXTURE = 1e-9  # the clamp of p_y under the logarithm
MIN_PROB = 1e-12  # the clamp of q under the logarithm of the entropies (as :func:`mmplay.robust.gating.entropy`)


@functools.cache
def _mixes(device: torch.device, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """``[p_a, p_b, m] = A [p_a, p_b]`` (``A`` (3, 2)) and ``[H_a, H_b, JS] = B E`` for ``E = [E_a, E_b, E_m]``
    (``B`` (3, 3))."""
    pair = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], device=device, dtype=dtype)
    entropies = torch.tensor([[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.5, 0.5, -1.0]], device=device, dtype=dtype)
    return pair, entropies


def gate_features(probs: torch.Tensor, log_dist: torch.Tensor) -> torch.Tensor:
    """The gate's features (5, N) from the experts' predictions ``probs`` (3, C, N) (A's and B's are read) and
    ``log_dist`` = ``log1p d²`` of A and B (2, N); ``JS`` clamped at 0 (rounding)."""
    to_pair, to_features = _mixes(probs.device, probs.dtype)
    q = torch.mm(to_pair, probs[:2].flatten(1)).view(3, *probs.shape[1:])  # p_a, p_b, m
    sums = (q * q.clamp_min(MIN_PROB).log()).sum(1)  # E (3, N)
    return torch.cat([torch.mm(to_features, sums).clamp_min_(0), log_dist])


@torch.no_grad()
def gate_inputs(
    experts: LinearBank, noisy: torch.Tensor, log_dist: torch.Tensor, onehot: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """What the gate trains on, for noisy inputs ``noisy`` (D, N) with their ``log1p d²`` (2, N) and one-hot labels
    ``onehot`` (C, N): its features (5, N) and each expert's probability of the true class ``q_k = P_k[y]`` (3, N),
    under the experts as they are now."""
    probs = experts(noisy).softmax(1)
    return gate_features(probs, log_dist), (probs * onehot).sum(1)


@torch.no_grad()
def gating_losses(
    experts: LinearBank,
    gate: g.SoftGate,
    clean: torch.Tensor,
    neg_share: torch.Tensor,
    features: torch.Tensor,
    chosen: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """``{"a_only", "b_only", "naive", "learned_gate"}``: the experts' on clean inputs ``clean`` (D, N) with
    ``neg_share`` = ``−onehot/N`` (C, N), the gate's on its features ``features`` (5, N) and the experts' ``q_k``
    ``chosen`` (3, N) (:func:`gate_inputs`, held fixed); sets every parameter's ``.grad`` to the gradient of their
    sum."""
    n = neg_share.shape[1]
    log_p = experts.forward(clean).log_softmax(1)  # (3, C, N); forward: no nn.Module call machinery a step
    experts.set_grads(clean, elementwise.exp(log_p).div_(n).add_(neg_share))
    hidden, logits = gate.hidden_and_logits(features)
    weights = logits.softmax(0)  # g (3, N)
    weighted = weights * chosen  # g_k q_k
    mixture = weighted.sum(0)  # p_y
    clamped = mixture.clamp_min(MIN_MIXTURE)
    responsibilities = torch.addcdiv(weights, weighted, clamped, value=-1)  # g − r
    gate.set_grads(features, hidden, torch.ops.aten.threshold_backward(responsibilities, mixture, MIN_MIXTURE) / n)
    losses = (log_p * neg_share).sum((1, 2))
    return {**dict(zip(EXPERTS, losses.unbind())), "learned_gate": -clamped.log().mean()}
