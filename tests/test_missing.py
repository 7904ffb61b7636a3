"""Missing modalities: conditional imputation against numpy; dropout vs imputation claims."""

import numpy as np
import pytest
import torch

from mmplay.labs import missing
from mmplay.robust.missing import GaussianImputer, dropout_masks


def test_conditional_mean_matches_an_independent_numpy_computation():
    rng = np.random.default_rng(0)
    joint = rng.multivariate_normal(
        [1, 2, 3, 4], [[2, 0.5, 0.3, 0.1], [0.5, 1, 0.2, 0.4], [0.3, 0.2, 1.5, 0.6], [0.1, 0.4, 0.6, 1]], size=2000
    )
    x_a, x_b = joint[:, :2], joint[:, 2:]
    imputer = GaussianImputer().fit(torch.tensor(x_a), torch.tensor(x_b))
    mu, cov = joint.mean(0), np.cov(joint, rowvar=False)
    expected_b = mu[2:] + (x_a[:5] - mu[:2]) @ np.linalg.inv(cov[:2, :2]) @ cov[:2, 2:]
    expected_a = mu[:2] + (x_b[:5] - mu[2:]) @ np.linalg.inv(cov[2:, 2:]) @ cov[2:, :2]
    assert np.allclose(imputer.impute_b(torch.tensor(x_a[:5])).numpy(), expected_b)
    assert np.allclose(imputer.impute_a(torch.tensor(x_b[:5])).numpy(), expected_a)


def test_dropout_masks_never_drop_both_and_respect_q():
    m_a, m_b = dropout_masks(100_000, 0.3, torch.Generator().manual_seed(0))
    assert float(((m_a == 0) & (m_b == 0)).sum()) == 0
    assert float((m_a == 0).float().mean()) == pytest.approx(0.3 - 0.045, abs=0.01)


@pytest.fixture(scope="module")
def trained():
    run = missing.build(missing.Config())
    run.trainer.run(missing.Config().steps, every=300)
    return run


@pytest.mark.parametrize("which", ["a", "b"])
def test_all_missing_dropout_holds_and_imputation_beats_zero_fill(trained, which):
    acc = missing.accuracies(trained, 1.0, which)
    assert acc["dropout"] >= acc["conditional"] - 0.01
    assert acc["conditional"] > acc["zero_fill"]


def test_nothing_missing_dropout_costs_little(trained):
    acc = missing.accuracies(trained, 0.0, "b")
    assert abs(acc["dropout"] - acc["conditional"]) <= 0.02
    assert acc["zero_fill"] == acc["mean_fill"] == acc["conditional"] == acc["regressor"]


@pytest.mark.parametrize(("rate", "which"), [(0.0, "b"), (0.35, "a"), (0.6, "either"), (1.0, "b")])
def test_accuracies_from_kept_outcomes_equal_a_direct_pass(rate, which):
    """The sweep reads each item's outcome with nothing, A or B lost; a direct forward pass of the mixed test set
    (the items that lose a modality filled, the others complete) gives the same accuracies, after a step too, and so
    does the sweep over every rate at once."""
    run = missing.build(missing.Config(n_train=600, n_test=600))
    for _ in range(2):
        run.trainer.step(5)
        m_a, m_b = missing.missing_masks(run, rate, which)
        direct = {}
        with torch.no_grad():
            for strategy in missing.STRATEGIES:
                a, b, shown = missing.filled_inputs(run, strategy, m_a, m_b)
                logits = missing.classify(run, strategy, a, b, *shown)
                direct[strategy] = float((logits.argmax(1) == run.test.y).float().mean())
        assert missing.accuracies(run, rate, which) == direct
        if rate in missing.RATES:  # the sweep's column for this rate, too
            sweep = missing.rate_sweep(run, which)
            assert {s: sweep[s][missing.RATES.index(rate)] for s in missing.STRATEGIES} == direct
