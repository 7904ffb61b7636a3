"""Dominance: the OGM coefficient's branches, the gradient tools, the knobs (claims: tests/test_claims.py)."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from mmplay.config import KnobConflict, parse_config
from mmplay.labs import dominance
from mmplay.models.concat_grads import concat_losses
from mmplay.ops import cross_entropy
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
    onehot = torch.nn.functional.one_hot(torch.tensor([0, 1]), 2).float()
    score, flipped = balance.contribution_scores([features, features], [weight, -weight], bias, onehot)
    assert score == pytest.approx(2 * torch.softmax(torch.tensor([2.0, 0.0]), 0)[0].item())
    assert flipped == pytest.approx(2 * torch.softmax(torch.tensor([-2.0, 0.0]), 0)[0].item())
    a, b = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(3))
    a.grad, b.grad = torch.tensor([3.0, 0.0, 4.0]), torch.tensor([0.0, 1.0, 0.0])
    balance.equalise_grad_norms({"a": [a], "b": [b]})
    assert balance.grad_norm([a]) == pytest.approx(3.0) and balance.grad_norm([b]) == pytest.approx(3.0)
    both = float(torch.cat([a.grad, b.grad]).norm())
    assert balance.grad_norms([[a, b], [b], []]) == pytest.approx([both, 3.0, 0.0])


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


@pytest.mark.parametrize("weights", [None, {"a": 1.3, "b": 0.7}])
def test_closed_form_gradients_match_autograd(weights):
    """The joint model's cross-entropy (with weighted auxiliary heads, or without) and every parameter's gradient
    against autograd on the same modules, in float64."""
    run = dominance.build(dominance.Config(n_train=200, n_test=200))
    models = run.models.double()
    gen = torch.Generator().manual_seed(3)
    x = {u: torch.randn(32, run.train.x[u].shape[1], generator=gen, dtype=torch.float64) for u in ("a", "b")}
    y = torch.randint(0, 2, (32,), generator=gen)
    phi = {u: models[f"enc_{u}"](x[u]) for u in ("a", "b")}
    total = cross_entropy(models["head"](torch.cat([phi["a"], phi["b"]], 1)), y)
    if weights is not None:
        total = total + sum(weights[u] * cross_entropy(models[f"aux_{u}"](phi[u]), y) for u in ("a", "b"))
    total.backward()
    expected = {name: p.grad.clone() for name, p in models.named_parameters() if p.grad is not None}
    models.zero_grad(set_to_none=True)
    onehot = torch.nn.functional.one_hot(y, 2).to(torch.float64)
    losses, features = concat_losses(models, x, onehot, None if weights is None else lambda _: weights)
    assert float(sum(losses.values())) == pytest.approx(float(total), abs=1e-12)
    got = {name: p.grad for name, p in models.named_parameters() if p.grad is not None}
    assert got.keys() == expected.keys()
    for name in expected:
        torch.testing.assert_close(got[name], expected[name], rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(features["b"], phi["b"].detach())


def test_traces_kept_and_settled_in_a_batch_equal_those_taken_a_step_at_a_time():
    """With OGM at α = 0 every step computes its gradient norms and ρ at once (k = 1: the gradients unchanged);
    without a method the steps are kept and settled together at the evaluation: the same traces."""
    config = dominance.Config(n_train=200, n_test=200, steps=60)
    at_once, kept = dominance.build(replace(config, method="ogm", alpha=0.0)), dominance.build(config)
    for run in (at_once, kept):
        for _ in range(3):
            run.trainer.step(20)
    assert not kept.pending and len(kept.trace["rho"]) == 60
    for name in ("grad_a", "grad_b", "rho", "k_a", "k_b"):
        assert kept.trace[name] == pytest.approx(at_once.trace[name], rel=1e-12, abs=0), name
