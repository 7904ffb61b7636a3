"""Contrastive losses against explicit loops and torch.nn.functional; the lab's claims for both losses."""

import math

import pytest
import torch
import torch.nn.functional as F

from mmplay.align.contrastive import InfoNCE, info_nce, mine_negatives, triplet_loss
from mmplay.align.info_nce_grads import info_nce_and_grads
from mmplay.config import parse_config
from mmplay.labs import contrastive
from mmplay.labs.headless import evaluate
from mmplay.metrics import alignment_uniformity, pair_ranks, retrieval_recall
from mmplay.models import mlp_grads


def _pairs(seed=0, n=8, d=5):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen, dtype=torch.float64), torch.randn(n, d, generator=gen, dtype=torch.float64)


def test_info_nce_matches_an_explicit_per_row_loop():
    a, b = _pairs()
    tau = 0.2
    an, bn = [v / v.norm(dim=1, keepdim=True) for v in (a, b)]
    total = 0.0
    for i in range(len(a)):
        row = [float(an[i] @ bn[j]) / tau for j in range(len(b))]
        col = [float(bn[i] @ an[j]) / tau for j in range(len(a))]
        total += -row[i] + math.log(sum(math.exp(v) for v in row))
        total += -col[i] + math.log(sum(math.exp(v) for v in col))
    assert float(info_nce(a, b, tau)) == pytest.approx(total / (2 * len(a)), rel=1e-9)


def test_info_nce_matches_cross_entropy_and_its_gradient_checks():
    a, b = _pairs(1)
    logits = F.normalize(a, dim=1) @ F.normalize(b, dim=1).T / 0.5
    target = torch.arange(len(a))
    reference = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
    assert float(info_nce(a, b, 0.5)) == pytest.approx(float(reference))
    a.requires_grad_(True)
    b.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x, y: info_nce(x, y, 0.5), (a, b))
    module = InfoNCE(0.1, learnable=True)
    module(a.float(), b.float()).backward()
    assert module.log_temperature.grad is not None


def test_triplet_with_given_negatives_equals_torch_and_an_explicit_loop():
    a, b = _pairs(2)
    negatives = torch.roll(torch.arange(len(a)), 1)
    an, bn = F.normalize(a, dim=1), F.normalize(b, dim=1)
    ours = float(triplet_loss(a, b, margin=0.3, negatives=negatives))
    assert ours == pytest.approx(float(F.triplet_margin_loss(an, bn, bn[negatives], margin=0.3)), rel=1e-9)
    explicit = sum(
        max(0.0, float((an[i] - bn[i]).norm() - (an[i] - bn[negatives[i]]).norm()) + 0.3) for i in range(len(a))
    ) / len(a)
    assert ours == pytest.approx(explicit, rel=1e-5)
    a.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: triplet_loss(x, b, 0.3, "hard"), (a,))
    mined = mine_negatives(torch.cdist(an, bn), 0.3, "random", torch.Generator().manual_seed(0))
    assert bool((mined != torch.arange(len(a))).all())


def test_hard_and_semi_hard_mining_pick_the_right_negatives():
    distances = torch.tensor([[0.5, 0.2, 0.6, 0.9], [0.1, 0.4, 0.45, 0.8], [0.3, 0.7, 0.2, 0.25], [1.0, 0.9, 0.8, 0.1]])
    assert mine_negatives(distances, 0.2, "hard").tolist() == [1, 0, 3, 2]
    assert mine_negatives(distances, 0.2, "semi-hard").tolist() == [2, 2, 3, 2]


def test_recall_and_alignment_uniformity_against_brute_force():
    a, b = _pairs(3, n=30)
    sims = F.normalize(a, dim=1) @ F.normalize(b, dim=1).T
    top5 = sims.topk(5, dim=1).indices
    recalls = retrieval_recall(a, b)
    assert recalls["recall_at_5.a_to_b"] == pytest.approx(float(sum(i in top5[i] for i in range(30)) / 30))
    top1_b = sims.T.argmax(dim=1)
    assert recalls["recall_at_1.b_to_a"] == pytest.approx(float((top1_b == torch.arange(30)).float().mean()))
    align, uniform = alignment_uniformity(a, b)
    an, bn = F.normalize(a, dim=1), F.normalize(b, dim=1)
    assert align == pytest.approx(float(((an - bn) ** 2).sum(1).mean()))
    both = torch.cat([an, bn])
    pairs = [float(torch.exp(-2 * ((both[i] - both[j]) ** 2).sum())) for i in range(60) for j in range(i + 1, 60)]
    assert uniform == pytest.approx(math.log(sum(pairs) / len(pairs)))


def test_triplet_loss_keeps_the_labs_claims():
    """The declared claims are checked with InfoNCE on seeds 0–19; triplet training must keep them too (seed 0)."""
    lab = contrastive.LAB
    metrics = evaluate(lab, contrastive.Config(loss="triplet"))
    failed = [c.text for c in lab.claims if not c.settings and not c.check(metrics)]
    assert not failed


def test_digits_preset_aligns_the_two_image_halves():
    metrics = evaluate(contrastive.LAB, contrastive.Config(preset="digits", steps=300))
    assert metrics["recall_at_1.a_to_b"] >= 0.05  # 500 held-out pairs: chance 0.002
    assert metrics["probes.transfer.trained"] >= metrics["probes.transfer.untrained"] + 0.5


def test_batch_is_capped_on_the_page_and_cli():
    config, problems = parse_config(contrastive.Config, {"batch": "8192"})
    assert config.batch == 256 and "batch" in problems[0]


@pytest.mark.parametrize("temperature", [0.3, 0.005, 1.5])  # inside the clamp, below it, above it
def test_closed_form_info_nce_gradients_match_autograd(temperature):
    x, y = _pairs(4, n=12, d=5)
    x, y = 3 * x, 0.5 * y  # not unit rows: the normalisation's gradient counts
    nce = InfoNCE(temperature, learnable=True).double()
    loss, d_x, d_y, d_log_tau = info_nce_and_grads(x, y, nce)
    x.requires_grad_(True)
    y.requires_grad_(True)
    reference = nce(x, y)
    reference.backward()
    assert float(loss) == pytest.approx(float(reference.detach()), rel=1e-12)
    torch.testing.assert_close(d_x, x.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(d_y, y.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(d_log_tau, nce.log_temperature.grad, rtol=1e-10, atol=1e-12)


def test_closed_form_encoder_gradients_match_autograd():
    torch.manual_seed(0)
    net = contrastive.encoder(7, 4).double()
    x = torch.randn(20, 7, dtype=torch.float64)
    d_out = torch.randn(20, 4, dtype=torch.float64)
    tape = mlp_grads.forward(net, x)
    torch.testing.assert_close(tape[-1], net(x), rtol=1e-12, atol=1e-12)
    mlp_grads.backward(net, tape, d_out)
    ours = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    (net(x) * d_out).sum().backward()
    for mine, reference in zip(ours, net.parameters()):
        torch.testing.assert_close(mine, reference.grad, rtol=1e-10, atol=1e-12)


def test_pair_ranks_count_only_keys_strictly_better_both_ways():
    sims = torch.tensor([[0.5, 0.5, 0.9], [0.2, 0.3, 0.3], [0.7, -0.1, 0.0]])
    for block in (1, 2, 3):  # blocks of rows: one, an uneven split, all
        rows, cols = pair_ranks(sims, block)
        assert rows.tolist() == [1, 0, 1]  # rows: ties with the pair do not count
        assert cols.tolist() == [1, 1, 2]  # columns
    sims = torch.randn(300, 300, generator=torch.Generator().manual_seed(0)).round(decimals=1)  # 3 blocks, ties
    rows, cols = pair_ranks(sims)
    assert torch.equal(rows, (sims > sims.diagonal().unsqueeze(1)).sum(1).float())
    assert torch.equal(cols, (sims > sims.diagonal()).sum(0).float())


def test_lab_training_steps_match_autograd_training():
    """The lab's closed-form InfoNCE steps against the same steps through autograd (same batches, float32)."""
    config = contrastive.Config()
    ours, reference = contrastive.build(config), contrastive.build(config)
    gen = torch.Generator().manual_seed(config.seed + 5)  # the lab's batch generator, replayed
    x, encoders, nce = reference.train.x, reference.encoders, reference.loss

    def objective(_):
        idx = torch.randint(0, len(reference.train.concept), (config.batch,), generator=gen)
        return {"infonce": nce(encoders["a"](x["a"][idx]), encoders["b"](x["b"][idx]))}

    reference.trainer.objective = objective
    for run in (ours, reference):
        run.trainer.step(5)
    for mine, theirs in zip(ours.encoders.parameters(), reference.encoders.parameters()):
        torch.testing.assert_close(mine, theirs, rtol=0, atol=1e-5)
    torch.testing.assert_close(ours.loss.log_temperature, nce.log_temperature, rtol=0, atol=1e-6)
