"""Gating: JS/entropy/typicality pieces against scipy; negative transfer is real; the gates avoid it."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from scipy.spatial.distance import jensenshannon, mahalanobis
from scipy.stats import entropy as scipy_entropy

from mmplay.labs import gating
from mmplay.robust import gating as g


def test_js_and_entropy_match_scipy():
    gen = torch.Generator().manual_seed(0)
    p = torch.rand(6, 4, generator=gen).softmax(-1).double()
    q = torch.rand(6, 4, generator=gen).softmax(-1).double()
    expected = [jensenshannon(a, b) ** 2 for a, b in zip(p.numpy(), q.numpy())]
    assert np.allclose(g.js_divergence(p, q).numpy(), expected)
    assert np.allclose(g.entropy(p).numpy(), [scipy_entropy(a) for a in p.numpy()])


def test_typicality_is_the_nearest_class_mahalanobis_distance():
    gen = torch.Generator().manual_seed(1)
    y = torch.randint(0, 3, (300,), generator=gen)
    x = torch.randn(300, 2, generator=gen).double() + torch.tensor([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])[y].double()
    typ = g.Typicality.fit(x, y, 3)
    vi = typ.precision_.numpy()
    point = np.array([1.0, 2.0])
    expected = min(mahalanobis(point, m, vi) ** 2 for m in typ.means_.numpy())
    assert float(typ.distance(torch.tensor([point]))[0]) == pytest.approx(expected)
    assert float((typ.atypicality(x) > 1).double().mean()) == pytest.approx(0.01, abs=0.005)


def test_rule_gate_trusts_the_typical_modality_on_disagreement():
    p_a = torch.tensor([[0.9, 0.1], [0.6, 0.4]])
    p_b = torch.tensor([[0.05, 0.95], [0.55, 0.45]])
    gated, fused_open = g.rule_gate(p_a, p_b, torch.tensor([0.5, 0.5]), torch.tensor([30.0, 0.5]), tau=0.1)
    assert torch.equal(gated[0], p_a[0]) and not fused_open[0]
    assert fused_open[1] and gated[1].argmax() == 0


@pytest.fixture(scope="module")
def trained():
    run = gating.build(gating.Config())
    run.trainer.run(gating.Config().steps, every=200)
    return run


def test_negative_transfer_is_real_and_the_gates_avoid_it(trained):
    acc = gating.evaluate_at(trained, gating.Config(corruption=1.0))
    best = max(acc["a_only"], acc["b_only"])
    assert acc["naive"] < best
    assert acc["rule_gate"] >= best - 0.01
    assert acc["learned_gate"] >= best - 0.01


def test_on_clean_data_the_gates_keep_the_gain_of_fusion(trained):
    acc = gating.evaluate_at(trained, gating.Config(corruption=0.0))
    assert acc["naive"] > max(acc["a_only"], acc["b_only"]) + 0.1
    assert acc["rule_gate"] >= acc["naive"] - 0.01
    assert acc["learned_gate"] >= acc["naive"] - 0.01


def test_entropy_only_rule_is_fooled_by_confident_noise(trained):
    acc = gating.evaluate_at(trained, gating.Config(corruption=1.0))
    assert acc["entropy_gate"] < acc["a_only"] - 0.2


def test_kept_predictions_follow_the_training_and_the_view():
    """Predictions are kept per step and view (the page, its sweep and the evaluation share them): after a step,
    or under another view, they are those of a fresh computation, never the kept ones."""
    run = gating.build(gating.Config(n_train=400, n_test=400))
    view = gating.Config(n_train=400, n_test=400, corruption=0.5)
    before = gating.predictions(run, view)[0]["learned_gate"].clone()
    run.trainer.step(5)
    after = gating.predictions(run, view)[0]
    fresh = gating._predict(run, gating.corrupted_test(run, view), view.tau)[0]
    for name in gating.METHODS:
        torch.testing.assert_close(after[name], fresh[name], rtol=0, atol=0)
    assert not torch.equal(after["learned_gate"], before)
    corrupted = gating.corrupted_test(run, view).x["b"]
    expected = gating.corrupt_noise(run.test.x["b"], gating.MAX_NOISE * 0.5, seed=run.config.seed + 7)
    torch.testing.assert_close(corrupted, expected, rtol=0, atol=0)
    other = gating.predictions(run, gating.Config(n_train=400, n_test=400, corruption=1.0))[0]
    assert not torch.equal(other["b_only"], after["b_only"])


def test_the_sweep_is_the_evaluation_at_every_level():
    """The sweep (A's side once, only winning classes) gives every method's accuracy that :func:`_predict`'s
    distributions give at each level, and the rule gate's open rate, for both kinds and several τ; and
    :func:`evaluate_at` gives the same, asked before the sweep (from :func:`predictions`) and after (read off it)."""
    run = gating.build(gating.Config(n_train=1000, n_test=1000, seed=3))
    run.trainer.step(60)
    for kind in ("noise", "misleading"):
        for tau in (0.05, 0.3, 0.6):
            views = [
                gating.Config(n_train=1000, n_test=1000, seed=3, kind=kind, tau=tau, corruption=level)
                for level in gating.LEVELS
            ]
            before = [gating.evaluate_at(run, view) for view in views]
            sweep = gating.corruption_sweep(run, gating.Config(kind=kind, tau=tau))
            for i, view in enumerate(views):
                probs, extra = gating._predict(run, gating.corrupted_test(run, view), tau)
                expected = {name: float(gating.accuracy(probs[name], run.test.y)) for name in gating.METHODS}
                assert {name: sweep[name][i] for name in gating.METHODS} == expected
                assert before[i] == expected
                assert sweep["open_rate"][i] == float(extra["fused_open"].mean())


def test_the_evaluation_reads_the_kept_sweep():
    """At a level of the sweep, once a sweep of the view's kind and τ has been drawn, :func:`evaluate_at` and the
    metrics read this step's (no new predictions), after a step too; at another level they predict."""
    run = gating.build(gating.Config(n_train=400, n_test=400))
    run.trainer.step(3)
    view = gating.Config(n_train=400, n_test=400, kind="misleading", corruption=0.4)
    sweep = gating.corruption_sweep(run, view)
    predicted = lambda: {key for key in run.seen if key[1] == "misleading"}  # noqa: E731
    assert gating.evaluate_at(run, view) == {name: sweep[name][4] for name in gating.METHODS}
    assert gating.metrics(run, view)["open_rate"] == sweep["open_rate"][4]
    assert not predicted()
    run.trainer.step(1)
    gating.evaluate_at(run, view)
    assert (run.trainer.steps_done, "sweep", "misleading", view.tau) in run.seen and not predicted()
    gating.evaluate_at(run, replace(view, corruption=0.45))
    assert predicted() == {(run.trainer.steps_done, "misleading", 0.45, view.tau)}


def test_first_argmax_is_torch_argmax_with_its_ties():
    x = torch.randn(4, 3, 50, generator=torch.Generator().manual_seed(0))
    x[2, 0] = x[1, 0]  # ties between classes 1 and 2 on the first row, wherever 1 wins
    x[3, 1] = x[:, 1].amax(0)  # class 3 ties the best on the second row
    torch.testing.assert_close(gating.first_argmax(x), x.argmax(0).float(), rtol=0, atol=0)


@pytest.mark.parametrize("batch", [100, 300])  # blocks of 50 steps (21 steps stay in one), of 16 (they cross one)
def test_training_does_not_depend_on_how_steps_are_grouped_into_ticks(batch):
    """Blocks of steps are aligned on the step count (the gate's inputs of a block come from the experts at its
    start), so 3 ticks of 7 steps end where one tick of 21 does."""
    config = gating.Config(n_train=400, n_test=400, batch=batch)
    ticks, once = gating.build(config), gating.build(config)
    for _ in range(3):
        ticks.trainer.step(7)
    once.trainer.step(21)
    for (name, a), b in zip(ticks.models.named_parameters(), once.models.parameters()):
        assert torch.equal(a, b), name
