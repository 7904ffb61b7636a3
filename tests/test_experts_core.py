"""PoE / MoE closed forms against numerical integration on a grid (scipy) and scipy's quantiles."""

import warnings

import numpy as np
import pytest
import torch
from scipy import integrate, optimize, stats

from mmplay import experts as ex


def _random_experts(seed: int, k: int = 3, batch: int = 5):
    gen = torch.Generator().manual_seed(seed)
    means = torch.randn(k, batch, generator=gen, dtype=torch.float64) * 3
    variances = torch.rand(k, batch, generator=gen, dtype=torch.float64) * 2 + 0.05
    weights = torch.rand(k, batch, generator=gen, dtype=torch.float64) + 0.1
    return means, variances, weights


@pytest.mark.parametrize("seed", range(5))
def test_poe_variance_is_below_every_expert(seed):
    means, variances, _ = _random_experts(seed)
    fused = ex.poe(means, variances)
    assert torch.all(fused.variance < variances.min(0).values)


def test_poe_matches_the_normalised_product_on_a_grid():
    mu, sd = np.array([-1.0, 2.0, 0.5]), np.array([1.0, 0.7, 1.6])
    x = np.linspace(-12, 12, 200_001)
    product = np.prod([stats.norm.pdf(x, m, s) for m, s in zip(mu, sd)], axis=0)
    product /= integrate.trapezoid(product, x)
    mean = integrate.trapezoid(x * product, x)
    var = integrate.trapezoid((x - mean) ** 2 * product, x)
    fused = ex.poe(torch.tensor(mu), torch.tensor(sd**2))
    assert float(fused.mean) == pytest.approx(mean, abs=1e-6)
    assert float(fused.variance) == pytest.approx(var, abs=1e-6)


def test_poe_with_a_prior_is_one_more_expert():
    means, variances, _ = _random_experts(7, k=2)
    prior = ex.Gaussian(torch.zeros(5, dtype=torch.float64), torch.full((5,), 4.0, dtype=torch.float64))
    with_prior = ex.poe(means, variances, prior)
    stacked = ex.poe(torch.cat([means, prior.mean[None]]), torch.cat([variances, prior.variance[None]]))
    assert torch.allclose(with_prior.mean, stacked.mean) and torch.allclose(with_prior.variance, stacked.variance)


def test_posterior_product_divides_the_prior_out_to_the_exact_bayes_posterior():
    prior_var, noise_a, noise_b, x_a, x_b = 4.0, 0.25, 0.36, 1.3, 0.7
    post = lambda x, n: ((x / n) / (1 / prior_var + 1 / n), 1 / (1 / prior_var + 1 / n))  # noqa: E731
    (m_a, v_a), (m_b, v_b) = post(x_a, noise_a), post(x_b, noise_b)
    fused = ex.poe_of_posteriors(
        torch.tensor([m_a, m_b]), torch.tensor([v_a, v_b]), ex.Gaussian(torch.tensor(0.0), torch.tensor(prior_var))
    )
    exact_var = 1 / (1 / prior_var + 1 / noise_a + 1 / noise_b)
    assert float(fused.variance) == pytest.approx(exact_var, rel=1e-6)
    assert float(fused.mean) == pytest.approx(exact_var * (x_a / noise_a + x_b / noise_b), rel=1e-6)


def test_moe_moments_match_numerical_integration_and_total_variance():
    mu, sd, pi = np.array([-2.0, 3.0]), np.array([0.5, 1.0]), np.array([0.3, 0.7])
    x = np.linspace(-15, 15, 300_001)
    density = sum(p * stats.norm.pdf(x, m, s) for p, m, s in zip(pi, mu, sd))
    mean = integrate.trapezoid(x * density, x)
    var = integrate.trapezoid((x - mean) ** 2 * density, x)
    fused = ex.moe(torch.tensor(mu), torch.tensor(sd**2), torch.tensor(pi))
    assert float(fused.mean) == pytest.approx(mean, abs=1e-6)
    assert float(fused.variance) == pytest.approx(var, abs=1e-6)
    assert float(fused.variance) == pytest.approx(np.sum(pi * sd**2) + np.sum(pi * (mu - pi @ mu) ** 2))


def test_moe_variance_exceeds_both_experts_once_means_disagree():
    variances = torch.tensor([1.0, 0.5], dtype=torch.float64)
    weights = torch.tensor([0.5, 0.5], dtype=torch.float64)
    agree = ex.moe(torch.tensor([0.0, 0.0], dtype=torch.float64), variances, weights)
    assert 0.5 < float(agree.variance) < 1.0  # "between the experts" holds only here
    apart = ex.moe(torch.tensor([0.0, 3.0], dtype=torch.float64), variances, weights)
    assert float(apart.variance) > float(variances.max())


def test_mixture_density_quantiles_and_nll_against_scipy():
    mu, sd, pi = np.array([-1.0, 2.5]), np.array([0.6, 1.2]), np.array([0.4, 0.6])
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    xs = np.array([-2.0, 0.0, 1.0, 4.0])
    expected = np.log(sum(p * stats.norm.pdf(xs, m, s) for p, m, s in zip(pi, mu, sd)))
    got = ex.mixture_log_density(t(xs), t(mu)[:, None], t(sd**2)[:, None], t(pi)[:, None])
    assert np.allclose(got.numpy(), expected)
    cdf = lambda v: sum(p * stats.norm.cdf(v, m, s) for p, m, s in zip(pi, mu, sd))  # noqa: E731
    levels = (0.05, 0.5, 0.95)
    quantiles = ex.mixture_quantiles(levels, t(mu), t(sd**2), t(pi))
    for q, got in zip(levels, quantiles.tolist(), strict=True):
        reference = optimize.brentq(lambda v, q=q: cdf(v) - q, -20, 20, xtol=1e-12)
        assert got == pytest.approx(reference, abs=1e-8)
    y, m, v = torch.randn(50), torch.randn(50), torch.rand(50) + 0.1
    reference_nll = torch.nn.functional.gaussian_nll_loss(m, y, v, full=True)
    assert float(ex.gaussian_nll(y, m, v)) == pytest.approx(float(reference_nll), rel=1e-5)


def test_normal_quantile_coverage_and_pit():
    mean, var = torch.zeros(1, dtype=torch.float64), torch.ones(1, dtype=torch.float64)
    assert float(ex.normal_quantile(0.95, mean, var)) == pytest.approx(stats.norm.ppf(0.95))
    y = torch.tensor([0.0, 1.0, 2.0, 3.0])
    assert ex.coverage(y, torch.full((4,), 0.5), torch.full((4,), 2.5)) == 0.5
    pit = ex.pit_histogram(torch.rand(100_000, generator=torch.Generator().manual_seed(0)))
    assert torch.allclose(pit, torch.ones(10), atol=0.05)


def _posterior_inputs(variances: list[float], prior_var: float = 4.0):
    """Two experts' (means, variances) and a N(0, prior_var) prior, in float64."""
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    return t([1.0, -0.5]), t(variances), ex.Gaussian(t(0.0), t(prior_var))


def test_consistent_posteriors_give_the_closed_form_without_a_warning():
    means, variances, prior = _posterior_inputs([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused = ex.poe_of_posteriors(means, variances, prior)
    precision = 1 / 1.0 + 1 / 2.0 - 1 / 4.0  # Σ 1/σₖ² − (K−1)/σ₀²
    assert float(fused.variance) == pytest.approx(1 / precision)
    assert float(fused.mean) == pytest.approx((1.0 / 1.0 - 0.5 / 2.0) / precision)


@pytest.mark.parametrize("variances", [[8.0, 8.0], [8.0, 9.0], [16.0, 8.0]])  # precision 0, < 0, < 0
def test_inconsistent_posteriors_warn_and_floor_the_precision(variances):
    means, variances, prior = _posterior_inputs(variances)
    with pytest.warns(ex.InconsistentPosteriorsWarning, match="precision .* is ≤ 0 at 1 of 1"):
        fused = ex.poe_of_posteriors(means, variances, prior)
    assert float(fused.variance) == pytest.approx(1e6)


def test_inconsistent_posteriors_raise_under_an_error_filter():
    means, variances, prior = _posterior_inputs([8.0, 9.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ex.InconsistentPosteriorsWarning)
        with pytest.raises(ex.InconsistentPosteriorsWarning):
            ex.poe_of_posteriors(means, variances, prior)
