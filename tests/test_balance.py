"""OGM / OGM-GE gradient modulation: ``g ← k·g (+ N(0, std(g)²))`` with the std of the unmodulated gradient."""

import numpy as np
import pytest
import torch

from mmplay.robust import balance

N = 100_000
STD = 2.0
K = 0.1


def param_with_grad(seed: int = 0) -> torch.nn.Parameter:
    """A parameter of ``N`` elements whose gradient is ``N(0, STD²)``."""
    p = torch.nn.Parameter(torch.zeros(N))
    p.grad = torch.randn(N, generator=torch.Generator().manual_seed(seed)) * STD
    return p


def test_ogm_ge_noise_has_the_std_of_the_unmodulated_gradient():
    p = param_with_grad()
    g = p.grad.clone()
    balance.modulate_grads([p], K, torch.Generator().manual_seed(1), noise=True)
    added = p.grad - K * g
    assert float(added.mean()) == pytest.approx(0.0, abs=0.05)
    assert float(added.std()) == pytest.approx(float(g.std()), rel=0.02)  # not K·std(g) = 0.2


def test_ogm_without_noise_is_exact_scaling():
    p = param_with_grad()
    g = p.grad.clone()
    balance.modulate_grads([p], K, torch.Generator().manual_seed(1), noise=False)
    assert torch.equal(p.grad, K * g)


def test_modulate_skips_missing_grads_and_scales_scalars():
    empty, scalar = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(1))
    scalar.grad = torch.tensor([4.0])
    balance.modulate_grads([empty, scalar], K, torch.Generator().manual_seed(1), noise=True)
    assert empty.grad is None
    assert torch.equal(scalar.grad, torch.tensor([4.0 * K]))


@pytest.mark.parametrize("rho", [1.01, 1.5, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.0])
def test_ogm_coefficient_above_one(rho: float, alpha: float):
    assert balance.ogm_coefficient(rho, alpha) == pytest.approx(1 - np.tanh(alpha * rho), abs=1e-6)


@pytest.mark.parametrize("rho", [0.0, 0.3, 1.0])
def test_ogm_coefficient_at_or_below_one(rho: float):
    assert balance.ogm_coefficient(rho, alpha=1.0) == 1.0
