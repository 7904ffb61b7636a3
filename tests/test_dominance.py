"""Dominance: the OGM coefficient's branches; dominance is real; OGM-GE lifts the starved modality.

Averaged over three seeds: one seed alone is noisy (seed 1 starves B by 9 points, seeds 0 and 2 by 15–20).
"""

import numpy as np
import pytest
import torch

from mmplay.labs import dominance
from mmplay.robust import balance

SEEDS = (0, 1, 2)


def test_ogm_coefficient_branches():
    assert balance.ogm_coefficient(0.5, alpha=1.0) == 1.0
    assert balance.ogm_coefficient(2.0, alpha=0.0) == 1.0
    assert balance.ogm_coefficient(2.0, alpha=1.0) == pytest.approx(1 - np.tanh(2.0))
    assert balance.ogm_coefficient(3.0, alpha=1.0) < balance.ogm_coefficient(1.5, alpha=1.0)


def test_contribution_score_and_grad_tools():
    features = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    weight = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    bias = torch.tensor([0.0, 0.0])
    score = balance.contribution_score(features, weight, bias, torch.tensor([0, 1]))
    assert score == pytest.approx(2 * torch.softmax(torch.tensor([2.0, 0.0]), 0)[0].item())
    a, b = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(3))
    a.grad, b.grad = torch.tensor([3.0, 0.0, 4.0]), torch.tensor([0.0, 1.0, 0.0])
    balance.equalise_grad_norms({"a": [a], "b": [b]})
    assert balance.grad_norm([a]) == pytest.approx(3.0) and balance.grad_norm([b]) == pytest.approx(3.0)


@pytest.fixture(scope="module")
def averaged():
    def mean_metrics(method: str) -> dict:
        runs = [dominance.run(dominance.Config(method=method, seed=s))["metrics"] for s in SEEDS]
        return {
            "probe_a": np.mean([r["probe_accuracy"]["a"] for r in runs]),
            "probe_b": np.mean([r["probe_accuracy"]["b"] for r in runs]),
            "ceiling_a": np.mean([r["ceiling"]["a"] for r in runs]),
            "ceiling_b": np.mean([r["ceiling"]["b"] for r in runs]),
            "fused": np.mean([r["fused_accuracy"] for r in runs]),
            "without_a": np.mean([r["accuracy_without_a"] for r in runs]),
        }

    return {method: mean_metrics(method) for method in ("none", "ogm_ge")}


def test_dominance_is_real(averaged):
    none = averaged["none"]
    assert none["probe_b"] <= none["ceiling_b"] - 0.10
    assert none["probe_a"] >= none["ceiling_a"] - 0.01


def test_ogm_ge_lifts_the_quiet_modality_without_hurting_fusion(averaged):
    none, ogm = averaged["none"], averaged["ogm_ge"]
    assert ogm["probe_b"] >= none["probe_b"] + 0.08
    assert ogm["fused"] >= none["fused"] - 0.01
    assert ogm["without_a"] > none["without_a"]
