"""The Newton logistic probe against scikit-learn's LogisticRegression (same objective, same optimum)."""

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from mmplay.probe import fit_logistic, probe_accuracy


def features(seed: int, n: int = 600, dim: int = 16) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=gen)
    x = torch.randn(n, dim, generator=gen) + 0.8 * (2 * y[:, None] - 1) * torch.rand(dim, generator=gen)
    return torch.relu(x), y  # ReLU features, as the encoders give, some columns all zero for some rows


@pytest.mark.parametrize(("seed", "c"), [(0, 1.0), (1, 1.0), (2, 0.05), (3, 20.0)])
def test_newton_probe_matches_scikit_learn(seed, c):
    x, y = features(seed)
    beta = fit_logistic(x, y, c=c)
    reference = LogisticRegression(C=c, tol=1e-12, max_iter=10_000).fit(x.double().numpy(), y.numpy())
    np.testing.assert_allclose(beta[:-1].numpy(), reference.coef_[0], atol=1e-6)
    np.testing.assert_allclose(float(beta[-1]), reference.intercept_[0], atol=1e-6)
    test_x, test_y = features(seed + 100)
    assert probe_accuracy(beta, test_x, test_y) == reference.score(test_x.double().numpy(), test_y.numpy())


def test_a_warm_start_reaches_the_same_probe():
    x, y = features(5)
    cold = fit_logistic(x, y)
    moved = fit_logistic(x * 1.05 + 0.01, y)  # the features one tick earlier
    warm = fit_logistic(x, y, init=moved)
    torch.testing.assert_close(warm, cold, atol=1e-7, rtol=0)


def test_separable_features_stay_finite():
    x = torch.tensor([[0.0], [1.0], [2.0], [3.0]])
    beta = fit_logistic(x, torch.tensor([0, 0, 1, 1]))
    assert torch.isfinite(beta).all()  # the L2 penalty bounds w where the data alone would not
    assert probe_accuracy(beta, x, torch.tensor([0, 0, 1, 1])) == 1.0
