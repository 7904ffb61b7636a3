"""Fusion lab: the prior-corrected logit sum is the Bayes posterior under conditional independence,
over-confident when that breaks; attention beats concatenation on long sequences."""

import numpy as np
import pytest
import torch
from scipy import stats

from mmplay.data.conditional import bayes_logit, class_mean, make_conditional_data
from mmplay.data.sequences import make_sequences
from mmplay.labs import fusion
from mmplay.metrics import expected_calibration_error


def trained(**overrides):
    run = fusion.build(fusion.Config(**overrides))
    run.trainer.run(fusion.Config().steps, every=100)
    return fusion.logit_metrics(run)


def test_bayes_logit_matches_scipy_densities():
    dim, sep, rho, prior = 2, 2.0, 0.5, 0.3
    data = make_conditional_data(50, dim, sep, rho, prior, seed=4)
    mu = np.concatenate([class_mean(dim, sep)] * 2)
    cov = np.block([[np.eye(dim), rho * np.eye(dim)], [rho * np.eye(dim), np.eye(dim)]])
    x = torch.cat([data.x["a"], data.x["b"]], 1).numpy().astype(np.float64)
    expected = (np.log(prior) + stats.multivariate_normal(mu, cov).logpdf(x)) - (
        np.log(1 - prior) + stats.multivariate_normal(-mu, cov).logpdf(x)
    )
    got = bayes_logit(data.x, dim, sep, rho, prior).numpy()
    assert np.allclose(got, expected, atol=1e-4)


def test_ece_matches_an_explicit_loop():
    gen = torch.Generator().manual_seed(0)
    p, y = torch.rand(500, generator=gen), (torch.rand(500, generator=gen) < 0.5).float()
    total = 0.0
    for b in range(10):
        lo, hi = b / 10, (b + 1) / 10
        inside = [(pi, yi) for pi, yi in zip(p.tolist(), y.tolist()) if lo <= pi < hi or (b == 9 and pi == 1.0)]
        if inside:
            total += len(inside) / 500 * abs(np.mean([a for a, _ in inside]) - np.mean([c for _, c in inside]))
    assert expected_calibration_error(p, y) == pytest.approx(total, abs=1e-6)


def test_independent_modalities_corrected_sum_is_bayes():
    assert trained(rho=0.0)["logits.mae_vs_bayes"] < 0.02


def test_skewed_prior_uncorrected_sum_counts_the_prior_twice():
    metrics = trained(rho=0.0, prior=0.8)
    assert metrics["logits.mae_vs_bayes"] < 0.02
    assert metrics["logits.mae_vs_bayes_uncorrected"] > 3 * metrics["logits.mae_vs_bayes"]
    assert metrics["logits.mae_vs_bayes_uncorrected"] > 0.03


def test_correlated_noise_makes_the_sum_overconfident():
    assert trained(rho=0.8)["ece.sum_corrected"] > 2 * trained(rho=0.0)["ece.sum_corrected"]


def test_sequences_have_distinct_keys_and_a_matching_question():
    data = make_sequences(20, 8, noise=0.0, seed=1)
    keys = data.frames[..., :16]
    best = torch.einsum("nd,ntd->nt", data.question, keys).argmax(1)
    assert torch.equal(best, data.target)
    assert torch.equal(data.frames[torch.arange(20), data.target, 16:].argmax(1), data.label)


@pytest.fixture(scope="module")
def sweep():
    return fusion.sequence_sweep(fusion.Config())


@pytest.mark.parametrize("length", fusion.LENGTHS)
def test_attention_stays_accurate_at_every_length(sweep, length):
    assert sweep[str(length)]["accuracy"]["attention"] >= 0.9
    assert sweep[str(length)]["attention_peak_hit"] >= 0.9


def test_at_64_frames_attention_beats_concat_with_fewer_parameters(sweep):
    longest = sweep["64"]
    assert longest["accuracy"]["attention"] - longest["accuracy"]["concat"] >= 0.15
    assert longest["params"]["attention"] < longest["params"]["concat"]
    assert longest["flops"]["concat"] > sweep["4"]["flops"]["concat"]
