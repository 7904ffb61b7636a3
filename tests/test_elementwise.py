"""mmplay.elementwise against torch's own exp and tanh: values, gradients and the in-place variants."""

import pytest
import torch

from mmplay import elementwise

PAIRS = [(elementwise.exp, torch.exp), (elementwise.tanh, torch.tanh)]


def values(dtype: torch.dtype) -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    return torch.cat(
        [torch.randn(4000, generator=gen, dtype=dtype) * 6, torch.tensor([0.0, -1e-6, 1e-6, 40.0, -40.0], dtype=dtype)]
    )


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_float64_matches_torch(ours, theirs):
    x = values(torch.float64)
    torch.testing.assert_close(ours(x), theirs(x), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_float32_matches_torch_to_a_few_units_of_resolution(ours, theirs):
    x = values(torch.float32).clamp(-20, 20)  # eˣ's relative error grows with |x| (the product x·log₂e is rounded)
    torch.testing.assert_close(ours(x), theirs(x), rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_autograd_differentiates_them(ours, theirs):
    x = values(torch.float64).clamp(-20, 20).requires_grad_()
    weights = torch.randn(x.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    (got,) = torch.autograd.grad((ours(x) * weights).sum(), x)
    (want,) = torch.autograd.grad((theirs(x) * weights).sum(), x)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize(("in_place", "theirs"), [(elementwise.exp_, torch.exp), (elementwise.tanh_, torch.tanh)])
def test_in_place_variants_write_into_their_input_unless_autograd_tracks_it(in_place, theirs):
    x = values(torch.float64).clamp(-20, 20)
    want = theirs(x)
    y = x.clone()
    assert in_place(y) is y
    torch.testing.assert_close(y, want, rtol=1e-14, atol=1e-15)
    tracked = x.clone().requires_grad_()
    inner = tracked * 1.0  # a non-leaf that autograd tracks
    out = in_place(inner)
    (grad,) = torch.autograd.grad(out.sum(), tracked)  # no "modified by an inplace operation" error
    torch.testing.assert_close(out.detach(), want, rtol=1e-14, atol=1e-15)
    torch.testing.assert_close(grad, theirs(x) if theirs is torch.exp else 1 - want * want, rtol=1e-12, atol=1e-13)
