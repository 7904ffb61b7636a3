"""mmplay.ops against torch.nn.functional: the same values and gradients, for few and many classes."""

import pytest
import torch
import torch.nn.functional as F

from mmplay import ops


@pytest.mark.parametrize("shape", [(4000, 3), (7, 2), (5, 11, 4), (64, 50)])
def test_softmax_and_log_softmax_match_torch_with_gradients(shape):
    gen = torch.Generator().manual_seed(0)
    x = (torch.randn(shape, generator=gen, dtype=torch.float64) * 5).requires_grad_()
    weights = torch.randn(shape, generator=gen, dtype=torch.float64)
    for ours, reference in ((ops.softmax, F.softmax), (ops.log_softmax, F.log_softmax)):
        got = ours(x)
        want = reference(x, dim=-1)
        torch.testing.assert_close(got, want, rtol=1e-13, atol=1e-13)
        (grad_got,) = torch.autograd.grad((got * weights).sum(), x)
        (grad_want,) = torch.autograd.grad((want * weights).sum(), x)
        torch.testing.assert_close(grad_got, grad_want, rtol=1e-12, atol=1e-12)


def test_cross_entropy_and_grad_match_torch_for_each_stacked_model():
    gen = torch.Generator().manual_seed(2)
    logits = torch.randn(3, 500, 4, generator=gen, dtype=torch.float64, requires_grad=True)  # 3 models' logits
    target = torch.randint(0, 4, (500,), generator=gen)
    losses, d_logits = ops.cross_entropy_and_grad(logits.detach(), F.one_hot(target, 4).double())
    want = torch.stack([F.cross_entropy(logits[k], target) for k in range(3)])
    torch.testing.assert_close(losses, want, rtol=1e-13, atol=1e-13)
    (grad_want,) = torch.autograd.grad(want.sum(), logits)
    torch.testing.assert_close(d_logits, grad_want, rtol=1e-12, atol=1e-14)


def test_softmax_survives_huge_logits():
    x = torch.tensor([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]])
    torch.testing.assert_close(ops.softmax(x), F.softmax(x, dim=-1))
    assert torch.isfinite(ops.log_softmax(x)).all()


def test_cross_entropy_matches_torch_with_gradient():
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(500, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    target = torch.randint(0, 3, (500,), generator=gen)
    ours, theirs = ops.cross_entropy(logits, target), F.cross_entropy(logits, target)
    torch.testing.assert_close(ours, theirs, rtol=1e-13, atol=1e-13)
    (g_ours,) = torch.autograd.grad(ours, logits)
    (g_theirs,) = torch.autograd.grad(theirs, logits)
    torch.testing.assert_close(g_ours, g_theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shape", [(4000, 4), (9, 3), (5, 6, 2)])
def test_argmax_matches_torch_on_both_layouts_and_ties(shape):
    gen = torch.Generator().manual_seed(1)
    logits = torch.randint(0, 3, shape, generator=gen).double()  # many ties: the first index wins, as torch's
    for x in (logits, ops.softmax(logits), logits.transpose(-2, -1).contiguous().transpose(-2, -1)):
        assert torch.equal(ops.argmax(x), x.argmax(-1))
