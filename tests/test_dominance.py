"""Dominance: the OGM coefficient's branches, the gradient tools, the knobs (claims: tests/test_claims.py)."""

import numpy as np
import pytest
import torch

from mmplay.config import KnobConflict, parse_config
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


def test_modulation_window_must_be_ordered():
    with pytest.raises(KnobConflict):
        dominance.Config(modulation_start=500, modulation_stop=100)
    config, problems = parse_config(dominance.Config, {"modulation_start": "500", "modulation_stop": "100"})
    assert (config.modulation_start, config.modulation_stop) == (0, 10_000)
    assert problems and "modulation_start" in problems[0]


def test_no_gradient_ratio_before_the_first_step():
    run = dominance.build(dominance.Config(n_train=200, n_test=200))
    assert "grad_norm_ratio" not in run.trainer.history[0].metrics
    run.trainer.step(2)
    assert run.trainer.history[-1].metrics["grad_norm_ratio"] > 0
