"""StackedMLP: its members are the nn.Sequential models it was built from; its closed-form gradients are autograd's."""

import torch
from torch import nn

from mmplay.models.stacked_mlp import StackedMLP


def _members(k: int, d_in: int, hidden: int, d_out: int) -> list[nn.Sequential]:
    torch.manual_seed(0)
    return [nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out)).double() for _ in range(k)]


def test_members_and_stacked_forward_equal_the_sequential_models():
    members = _members(3, 6, 16, 4)
    stacked = StackedMLP(members)
    x = torch.randn(3, 7, 50, dtype=torch.float64)  # items as columns, the last row ones (the first bias' input)
    x[:, -1] = 1
    out, _ = stacked(x)
    with torch.no_grad():
        for k, member in enumerate(members):
            torch.testing.assert_close(stacked.member(k, x[k]), member(x[k, :-1].t()).t(), rtol=1e-13, atol=1e-13)
            torch.testing.assert_close(out[k], member(x[k, :-1].t()).t(), rtol=1e-13, atol=1e-13)


def test_closed_form_gradients_equal_autograd():
    members = _members(2, 3, 8, 2)
    stacked = StackedMLP(members)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(2, 4, 40, generator=gen, dtype=torch.float64)  # items as columns, the last row ones
    x[:, -1] = 1
    target = torch.randn(2, 2, 40, generator=gen, dtype=torch.float64)
    loss = sum(((member(x[k, :-1].t()).t() - target[k]) ** 2).mean() for k, member in enumerate(members))
    loss.backward()
    with torch.no_grad():
        out, hidden = stacked(x)
    stacked.set_grads(x, hidden, 2 * (out - target) / target[0].numel())
    for k, member in enumerate(members):
        torch.testing.assert_close(stacked.w1.grad[k, :, :-1], member[0].weight.grad, rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(stacked.w1.grad[k, :, -1], member[0].bias.grad, rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(stacked.w2.grad[k], member[2].weight.grad, rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(stacked.b2.grad[k, :, 0], member[2].bias.grad, rtol=1e-12, atol=1e-14)
    assert float(stacked.w1.grad.abs().sum()) > 0
