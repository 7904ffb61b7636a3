"""The synergy lab's parts: the gates, seeded data, grids, the interaction plane (its claims: tests/test_claims.py)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmplay.data.xor import gate_label, make_gate_data
from mmplay.labs import synergy
from mmplay.labs.headless import evaluate
from mmplay.models.gate_heads import GateModelBank, lift
from mmplay.models.gate_loss import bank_bce
from mmplay.viz.synergy import CLASS_COLORS, PLANE_GREY, lifted_figure


def test_unique_a_is_solved_by_a_alone():
    metrics = evaluate(synergy.LAB, synergy.Config(preset="unique_a", steps=150))
    assert metrics["test_accuracy.a_only"] >= synergy.SOLVED
    assert metrics["test_accuracy.b_only"] <= synergy.CHANCE_BAND
    assert metrics["pid.unique_a"] == pytest.approx(1.0)


def test_gate_labels_and_seeded_data():
    sx, sy = np.array([-1, -1, 1, 1]), np.array([-1, 1, -1, 1])
    assert gate_label("xor", sx, sy).tolist() == [0, 1, 1, 0]
    assert gate_label("and", sx, sy).tolist() == [0, 0, 0, 1]
    assert gate_label("or", sx, sy).tolist() == [0, 1, 1, 1]
    first, again = make_gate_data("xor", 50, 0.3, seed=3), make_gate_data("xor", 50, 0.3, seed=3)
    assert torch.equal(first.x["a"], again.x["a"]) and torch.equal(first.y, again.y)


def test_decision_grids_and_plane_have_the_right_shapes():
    run = synergy.build(synergy.Config(n_points=40))
    run.trainer.step(5)
    grids = synergy.decision_grids(run, resolution=11)
    assert grids["mlp"].shape == (11, 11) and ((grids["mlp"] >= 0) & (grids["mlp"] <= 1)).all()
    w_x, w_y, w_xy, c = synergy.interaction_plane(run)
    device = run.models.theta.device  # the lab's device (MMPLAY_DEVICE)
    with torch.no_grad():
        logits = run.models({"a": torch.tensor([[0.5]], device=device), "b": torch.tensor([[-2.0]], device=device)})
    interaction = synergy.MODEL_NAMES.index("interaction")
    assert float(logits[0, interaction]) == pytest.approx(w_x * 0.5 + w_y * -2.0 + w_xy * -1.0 + c, abs=1e-5)


def test_same_seed_same_numbers():
    config = synergy.Config(steps=30)
    assert evaluate(synergy.LAB, config) == evaluate(synergy.LAB, config)


def test_closed_form_bank_gradient_matches_autograd():
    bank = GateModelBank(mlp_width=5).double().cpu()
    data = make_gate_data("xor", 64, 0.4, seed=2)
    phi, y = lift({k: v.double() for k, v in data.x.items()}).cpu(), data.y.double().cpu()
    losses = bank_bce(bank, phi, y)
    closed = bank.theta.grad.clone()
    logits = bank({"a": phi[:, :1], "b": phi[:, 1:2]})
    reference = F.binary_cross_entropy_with_logits(logits, y[:, None].expand_as(logits), reduction="none").mean(0)
    (auto,) = torch.autograd.grad(reference.sum(), bank.theta)
    assert not losses.requires_grad and torch.allclose(losses, reference, atol=1e-12)
    assert torch.allclose(closed, auto, atol=1e-12)
    assert (bank.views(closed)["W"][bank.mask == 0] == 0).all()  # a model never learns from an input it does not see
    bank_bce(bank, phi, y)
    assert torch.allclose(bank.theta.grad, 2 * auto, atol=1e-12)  # gradients accumulate, as backward() does


def test_lifted_view_has_one_legend_entry_per_class_and_a_grey_plane():
    points = np.array([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    fig = lifted_figure(points, np.array([0.0, 1.0, 1.0]), (0.0, 0.0, 1.0, 0.0))
    classes = [t for t in fig.data if t.type == "scatter3d"]
    assert [t.name for t in classes] == ["class 0", "class 1"]
    assert [len(t.x) for t in classes] == [1, 2]
    assert [t.marker.color for t in classes] == list(CLASS_COLORS)
    assert fig.data[-1].colorscale[0][1] == PLANE_GREY  # a coloured plane tints the points behind it
