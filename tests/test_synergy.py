"""The synergy lab's parts: the gates, seeded data, grids, the interaction plane (its claims: tests/test_claims.py)."""

import numpy as np
import pytest
import torch

from mmplay.data.xor import gate_label, make_gate_data
from mmplay.labs import synergy
from mmplay.labs.headless import evaluate


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
    interaction = run.models.models["interaction"]
    device = next(interaction.parameters()).device  # the lab's device (MMPLAY_DEVICE)
    logit = interaction({"a": torch.tensor([[0.5]], device=device), "b": torch.tensor([[-2.0]], device=device)})
    assert float(logit) == pytest.approx(w_x * 0.5 + w_y * -2.0 + w_xy * -1.0 + c, abs=1e-5)


def test_same_seed_same_numbers():
    config = synergy.Config(steps=30)
    assert evaluate(synergy.LAB, config) == evaluate(synergy.LAB, config)
