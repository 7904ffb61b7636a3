"""Alignment lab claims per preset; projections against sklearn and umap defaults; two UMAP runs at once."""

import threading

import numpy as np
import pytest
import umap
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

from mmplay import project2d
from mmplay.labs import alignment


@pytest.fixture(scope="module")
def results():
    return {p: alignment.run(alignment.Config(preset=p))["metrics"] for p in ("linear", "warp", "unrelated", "digits")}


def test_linear_preset_recovers_the_rotation(results):
    assert results["linear"]["verdict"] == "linear"
    assert results["linear"]["rotation_error"] < 0.05


def test_warp_needs_a_nonlinear_map(results):
    warp = results["warp"]
    assert warp["verdict"] == "nonlinear"
    assert warp["residual"]["mlp"] < 0.7 * warp["residual"]["orthogonal"]


def test_permutation_test_on_unrelated_and_real_data(results):
    assert results["unrelated"]["p_value"] > 0.05
    assert results["digits"]["p_value"] < 0.01


def test_pca_and_knn_match_sklearn():
    x = np.random.default_rng(0).normal(size=(200, 6))
    ours, reference = project2d.pca_2d(x), PCA(2).fit_transform(x)
    assert np.allclose(np.abs(ours), np.abs(reference), atol=1e-8)
    idx, dist = project2d.exact_knn(x, 5, block=64)
    ref_dist, ref_idx = NearestNeighbors(n_neighbors=5).fit(x).kneighbors(x)
    assert np.allclose(dist, ref_dist, atol=1e-4)
    assert (idx[:, 1:] == ref_idx[:, 1:]).mean() > 0.99


def test_projections_are_cached_by_content():
    x = np.random.default_rng(1).normal(size=(50, 3))
    assert project2d.project(x, "pca") is project2d.project(x.copy(), "pca")


def test_two_umap_projections_at_once_do_not_crash():
    rng = np.random.default_rng(2)
    data = [rng.normal(size=(150, 5)), rng.normal(size=(150, 5))]
    out: list = [None, None]

    def work(i: int) -> None:
        out[i] = project2d.umap_2d(data[i], n_epochs=20)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(o is not None and o.shape == (150, 2) and np.isfinite(o).all() for o in out)


def test_fast_umap_keeps_the_trustworthiness_of_umap_defaults():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(500, 64)), rng.normal(size=(500, 64)) + 1.0])  # the benchmark's data, smaller
    ours = trustworthiness(x, project2d.umap_2d(x), n_neighbors=10)
    default = trustworthiness(x, umap.UMAP(random_state=0).fit_transform(x), n_neighbors=10)
    assert ours > default - 0.01
