"""Alignment lab limits; projections against sklearn and umap defaults; two UMAP runs at once."""

import threading

import numpy as np
import pytest
import torch
import umap
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

from mmplay import project2d
from mmplay.labs import alignment
from mmplay.models.mlp_map import StandardisedMLP


def test_too_few_items_to_hold_out_ten_is_refused():
    with pytest.raises(ValueError, match="too few"):
        alignment.build(alignment.Config(n=19))


def test_verdict_waits_for_training_and_held_out_set_has_ten_pairs():
    run = alignment.build(alignment.Config(n=20, test_fraction=0.1))
    assert alignment.verdict(run) == "untrained"
    assert len(run.test_idx) == alignment.MIN_HELD_OUT and len(run.train_idx) == 10


def test_permutation_test_is_capped_for_big_inputs():
    run = alignment.build(alignment.Config(n=3000, dim=64, permutations=2000))
    items, permutations = alignment.permutation_plan(run)
    assert items == alignment.PERMUTATION_ITEMS
    assert permutations * alignment.permutation_cost(items, 64) <= alignment.PERMUTATION_BUDGET
    seen: list[float] = []
    result = alignment.significance(run.config, run, seen.append)
    assert result["items"] == items and 0 < result["p_value"] <= 1 and seen[-1] == 1.0


def test_a_wide_upload_gets_a_smaller_subsample_and_still_pairs_up():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(1500, 1024))
    pair = alignment.uploaded_pair(a, a @ np.linalg.qr(rng.normal(size=(1024, 1024)))[0])
    run = alignment.build(alignment.Config(permutations=2000), pair=pair)
    items, permutations = alignment.permutation_plan(run)
    assert items < alignment.PERMUTATION_ITEMS and permutations >= alignment.MIN_PERMUTATIONS
    assert permutations * alignment.permutation_cost(items, 1024) <= alignment.PERMUTATION_BUDGET
    assert alignment.significance(run.config, run, lambda _: None)["p_value"] == pytest.approx(1 / (1 + permutations))


def test_views_of_a_big_set_show_at_most_view_items_with_their_own_labels():
    run = alignment.build(alignment.Config(n=alignment.VIEW_ITEMS + 500, dim=4))
    view = alignment.views(run)
    xy_a, xy_b, labels, items = view["after"]
    assert len(xy_a) == len(xy_b) == len(labels) == len(items) == alignment.VIEW_ITEMS
    assert np.array_equal(labels, np.asarray(run.pair.labels)[items])
    assert set(labels) == set(np.asarray(run.pair.labels))  # every cluster is shown


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


def test_mlp_map_gradient_in_closed_form_matches_autograd():
    """The live MLP map's MSE step writes the same gradients autograd takes (float64)."""
    gen = torch.Generator().manual_seed(0)
    a, b = (torch.randn(50, 6, generator=gen, dtype=torch.float64) for _ in range(2))
    mlp = StandardisedMLP(a, b, hidden=16).double()
    inputs, targets = mlp.source(a).double(), mlp.target(b).double()
    torch.nn.functional.mse_loss(mlp.net(inputs), targets).backward()
    expected = [p.grad.clone() for p in mlp.parameters()]
    mlp.zero_grad(set_to_none=True)
    loss = alignment.mse_step(mlp.net, inputs, targets)
    assert float(loss) == pytest.approx(float(torch.nn.functional.mse_loss(mlp.net(inputs), targets)), abs=1e-14)
    for got, want in zip((p.grad for p in mlp.parameters()), expected):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-13)
