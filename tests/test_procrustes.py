"""Procrustes against scipy: rotation (orthogonal_procrustes) and disparity (spatial.procrustes) to 1e-6."""

import numpy as np
import pytest
import torch
from scipy.linalg import orthogonal_procrustes
from scipy.spatial import procrustes as scipy_procrustes
from scipy.stats import special_ortho_group

from mmplay.align.procrustes import (
    ProcrustesAligner,
    low_rank_factor,
    permutation_p_value,
    procrustes,
    standard_disparity,
    standardise,
)


def _sets(seed=0, n=60, d=5, noise=0.05):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, d))
    rotation = special_ortho_group.rvs(d, random_state=seed)
    b = 1.7 * a @ rotation + rng.normal(size=d) + noise * rng.normal(size=(n, d))
    return a, b, rotation


def test_rotation_matches_scipy_orthogonal_procrustes():
    a, b, _ = _sets()
    fit = procrustes(a, b)
    reference, _ = orthogonal_procrustes(a - a.mean(0), b - b.mean(0))
    assert np.allclose(fit.rotation.numpy(), reference, atol=1e-6)


def test_disparity_matches_scipy_spatial_procrustes():
    a, b, _ = _sets(1, noise=0.3)
    _, _, reference = scipy_procrustes(b, a)
    assert procrustes(a, b).disparity == pytest.approx(reference, abs=1e-6)


def test_recovers_a_known_similarity_transform_and_maps_new_points():
    a, b, rotation = _sets(2, noise=0.0)
    fit = procrustes(a, b)
    assert np.allclose(fit.rotation.numpy(), rotation, atol=1e-6)
    assert fit.scale == pytest.approx(1.7) and fit.residual == pytest.approx(0.0, abs=1e-9)
    aligner = ProcrustesAligner().fit(a[:40], b[:40])
    assert np.allclose(aligner.transform(a[40:]).numpy(), b[40:], atol=1e-6)


def test_without_scaling_or_translation_and_with_torch_input():
    a, b, _ = _sets(3)
    fit = procrustes(torch.tensor(a, dtype=torch.float32), torch.tensor(b), scaling=False, translation=False)
    reference, _ = orthogonal_procrustes(a, b)
    assert fit.scale == 1.0 and np.allclose(fit.rotation.numpy(), reference, atol=1e-5)


def test_different_widths_are_zero_padded():
    a, b, _ = _sets(4)
    fit = procrustes(a[:, :3], b)
    assert fit.padded and fit.rotation.shape == (5, 5)


def test_permutation_test_separates_paired_from_shuffled():
    a, b, _ = _sets(5, noise=0.5)
    assert permutation_p_value(torch.tensor(a), torch.tensor(b), permutations=99) <= 0.01
    shuffled = b[np.random.default_rng(0).permutation(len(b))]
    assert permutation_p_value(torch.tensor(a), torch.tensor(shuffled), permutations=99) > 0.05


def test_a_set_without_spread_gives_finite_numbers():
    a = np.zeros((30, 3))
    b = np.random.default_rng(0).normal(size=(30, 3))
    for x, y in ((a, b), (b, a), (a, a)):
        fit = procrustes(x, y)
        assert np.isfinite(fit.scale) and np.isfinite(fit.residual) and np.isfinite(fit.disparity)


@pytest.mark.parametrize(("n", "d"), [(40, 6), (12, 30)])
def test_low_rank_factors_keep_every_re_pairings_disparity(n, d):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    a_low = low_rank_factor(standardise(torch.tensor(a)))
    b_low = low_rank_factor(standardise(torch.tensor(b)))
    assert a_low.shape == (n, min(n, d))
    for _ in range(5):
        perm = rng.permutation(n)
        _, _, reference = scipy_procrustes(a, b[perm])
        assert standard_disparity(a_low, b_low[perm]) == pytest.approx(reference, abs=1e-9)
