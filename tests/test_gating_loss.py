"""The gating lab's closed-form training: the bank's members are the nn.Linear layers it was built from, and its
losses and gradients are autograd's of the same objective."""

import torch
import torch.nn.functional as F
from torch import nn

from mmplay.models.gating_loss import gate_inputs, gating_losses
from mmplay.models.linear_bank import LinearBank
from mmplay.robust import gating as g

SLICES = [slice(0, 3), slice(3, 6), slice(0, 6)]  # the members read A, B, both


def _models() -> tuple[list[nn.Linear], LinearBank, g.SoftGate]:
    torch.manual_seed(0)
    members = [nn.Linear(3, 4).double(), nn.Linear(3, 4).double(), nn.Linear(6, 4).double()]
    bank = LinearBank(members, SLICES, 6)
    return members, bank, g.SoftGate().double()


def _inputs(n: int = 60):
    gen = torch.Generator().manual_seed(1)
    clean = torch.randn(n, 6, generator=gen, dtype=torch.float64)
    noisy = clean + 3 * torch.randn(n, 6, generator=gen, dtype=torch.float64)
    log_dist = torch.rand(n, 2, generator=gen, dtype=torch.float64) * 4
    y = torch.randint(0, 4, (n,), generator=gen)
    return clean, noisy, log_dist, y


def test_bank_members_equal_the_linear_layers():
    members, bank, _ = _models()
    x = _inputs()[0]
    with torch.no_grad():
        logits = bank(x.t())  # (3, C, N)
        for k, (layer, cols) in enumerate(zip(members, SLICES)):
            torch.testing.assert_close(logits[k].t(), layer(x[:, cols]), rtol=1e-13, atol=1e-13)


def test_closed_form_losses_and_gradients_equal_autograd():
    members, bank, gate = _models()
    clean, noisy, log_dist, y = _inputs()
    a, b, fused = members
    losses = {
        "a_only": F.cross_entropy(a(clean[:, :3]), y),
        "b_only": F.cross_entropy(b(clean[:, 3:]), y),
        "naive": F.cross_entropy(fused(clean), y),
    }
    with torch.no_grad():
        p_a, p_b, p_f = (torch.softmax(m(noisy[:, cols]), 1) for m, cols in zip(members, SLICES))
        terms = g.disagreement(p_a, p_b)
        features = torch.cat([torch.stack([terms.h_a, terms.h_b, terms.js], 1), log_dist], 1)
    weights = torch.softmax(gate.net(features), 1)
    mixed = weights[:, :1] * p_a + weights[:, 1:2] * p_b + weights[:, 2:] * p_f
    losses["learned_gate"] = F.nll_loss(torch.log(mixed.clamp_min(1e-9)), y)
    sum(losses.values()).backward()

    onehot = F.one_hot(y, 4).t().double()
    gate_features, chosen = gate_inputs(bank, noisy.t(), log_dist.t(), onehot)
    torch.testing.assert_close(gate_features, features.t(), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(
        chosen, torch.stack([p_a, p_b, p_f]).gather(2, y.view(1, -1, 1).expand(3, -1, 1))[..., 0]
    )
    closed = gating_losses(bank, gate, clean.t(), onehot / -len(y), gate_features, chosen)
    for name, loss in losses.items():
        torch.testing.assert_close(closed[name], loss.detach(), rtol=1e-12, atol=1e-14)
    for k, (layer, cols) in enumerate(zip(members, SLICES)):
        rows = slice(4 * k, 4 * k + 4)
        torch.testing.assert_close(bank.weight.grad[rows, cols], layer.weight.grad, rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(bank.bias.grad[rows], layer.bias.grad, rtol=1e-12, atol=1e-14)
    assert float((bank.weight.grad * (1 - bank.mask)).abs().sum()) == 0
    for closed_param, param in zip(gate.parameters(), _autograd_gate_grads(gate, features, p_a, p_b, p_f, y)):
        torch.testing.assert_close(closed_param.grad, param, rtol=1e-12, atol=1e-14)
    assert float(gate.net[0].weight.grad.abs().sum()) > 0


def _autograd_gate_grads(gate: g.SoftGate, features, p_a, p_b, p_f, y) -> list[torch.Tensor]:
    """Autograd's gradient of the gate's NLL with respect to the gate's parameters (a fresh copy of them)."""
    params = [p.detach().clone().requires_grad_() for p in gate.parameters()]
    w1, c1, w2, c2 = params
    weights = torch.softmax(torch.tanh(features @ w1.t() + c1) @ w2.t() + c2, 1)
    mixed = weights[:, :1] * p_a + weights[:, 1:2] * p_b + weights[:, 2:] * p_f
    return list(torch.autograd.grad(F.nll_loss(torch.log(mixed.clamp_min(1e-9)), y), params))


def test_soft_gate_mixes_the_predictions_it_weighs():
    _, _, gate = _models()
    _, noisy, log_dist, _ = _inputs()
    p = torch.softmax(noisy[:, :4], 1).t()  # (C, N)
    with torch.no_grad():
        mixed, weights = gate(torch.cat([p[:3], log_dist.t()]), p, p.flip(0), p)
    torch.testing.assert_close(weights.sum(0), torch.ones(p.shape[1], dtype=torch.float64))
    torch.testing.assert_close(mixed, (weights[0] + weights[2]) * p + weights[1] * p.flip(0))
