"""The experts lab's claims on the default preset: PoE calibrated at b = 0, MoE survives the largest bias."""

from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from mmplay import experts as ex
from mmplay.labs import experts
from mmplay.labs.declaration import nested
from mmplay.models.expert_grads import experts_losses


def view(bias: float, prior_correction: bool = True, moe_weights: str = "fixed") -> experts.Config:
    """The default config seen at a test-time bias (training is unaffected by these fields)."""
    return replace(experts.Config(), bias=bias, prior_correction=prior_correction, moe_weights=moe_weights)


@pytest.fixture(scope="module")
def trained():
    run = experts.build(experts.Config())
    run.trainer.run(experts.Config().steps, every=100)
    return run


def test_without_bias_poe_is_calibrated_and_beats_moe_on_nll(trained):
    s = experts.scores(trained, view(0.0))
    assert abs(s["coverage_90"]["poe"] - 0.90) <= 0.05
    assert s["nll"]["poe"] < s["nll"]["moe"]
    assert s["variance"]["poe"] < min(s["variance"]["expert_a"], s["variance"]["expert_b"])


def test_at_the_largest_bias_poe_collapses_and_moe_holds(trained):
    s = experts.scores(trained, view(1.0))
    assert s["coverage_90"]["poe"] < 0.5
    assert s["coverage_90"]["moe"] >= 0.8
    assert s["variance"]["moe"] > max(s["variance"]["expert_a"], s["variance"]["expert_b"])


def test_without_prior_correction_the_product_is_overconfident(trained):
    corrected, doubled = experts.scores(trained, view(0.0, True)), experts.scores(trained, view(0.0, False))
    assert doubled["width"]["poe"] < corrected["width"]["poe"]
    assert doubled["nll"]["poe"] > corrected["nll"]["poe"]


def test_metrics_have_the_four_methods_at_the_view_settings(trained):
    at_zero, at_one = experts.metrics(trained, view(0.0)), experts.metrics(trained, view(1.0))
    for group in ("coverage_90", "nll", "width"):
        assert set(nested(at_zero, group)) == {"expert_a", "expert_b", "poe", "moe"}
    assert at_one["coverage_90.poe"] < at_zero["coverage_90.poe"]


def test_analytic_playground_agrees_with_the_closed_forms():
    result = experts.analytic([-1.0, 2.0], [1.0, 0.8], [0.5, 0.5])
    assert result.poe[1] < 0.8**2
    assert result.moe[1] == pytest.approx(0.5 * 1.0 + 0.5 * 0.64 + 0.25 * 3.0**2)
    step = result.grid[1] - result.grid[0]
    assert sum(result.moe_density) * step == pytest.approx(1.0, abs=1e-3)


def test_pit_is_flat_when_calibrated_and_piles_up_when_not(trained):
    calm = experts.pit(trained, view(0.0))["poe"]
    assert all(0.7 <= v <= 1.3 for v in calm)
    drifted = experts.pit(trained, view(1.0))["poe"]
    assert max(drifted) > 3.0


def test_learned_moe_weights_are_a_distribution_and_keep_the_mixture_calibrated(trained):
    weights = experts.fused(trained, view(0.0, moe_weights="learned"))["moe"][2]
    assert torch.allclose(weights.sum(0).cpu(), torch.ones(weights.shape[1]))  # weights live on the lab's device
    learned = experts.scores(trained, view(0.0, moe_weights="learned"))
    assert learned["coverage_90"]["moe"] >= 0.85


@pytest.mark.parametrize("clamped", [False, True])
def test_closed_form_gradients_match_autograd(clamped):
    """The experts' Gaussian NLLs and the gate's mixture NLL, and every parameter's gradient, against autograd
    (float64); ``clamped``: expert A's log-variance output sits above its clamp, where no gradient passes."""
    run = experts.build(experts.Config(n_train=200, n_test=200))
    models = run.experts.double()
    if clamped:
        models["experts"].net.b2.data[0, 1] = 9.0
    x = run.train.columns()[:, :, :64].double()  # (2, 1, 64)
    w, prior_std = run.train.w[:64].double(), run.config.prior_std
    means, variances = models["experts"](x)
    losses = {f"expert_{m}": F.gaussian_nll_loss(means[k], w, variances[k], full=True) for k, m in enumerate("ab")}
    weights = models["gate"](x.transpose(0, 1) / prior_std)[0][0].softmax(0)
    losses["gate"] = -ex.mixture_log_density(w, means.detach(), variances.detach(), weights).mean()
    sum(losses.values()).backward()
    expected = {name: p.grad.clone() for name, p in models.named_parameters()}
    models.zero_grad(set_to_none=True)
    u, t = models["experts"].standardise(x), models["experts"].standardise(w).expand(2, -1)
    got = experts_losses(models, u, t, x[:, 0] / prior_std)
    for name, value in losses.items():
        assert float(got[name]) == pytest.approx(float(value.detach()), abs=1e-12)
    for name, p in models.named_parameters():
        torch.testing.assert_close(p.grad, expected[name], rtol=1e-10, atol=1e-13)
