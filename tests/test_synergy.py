"""The seed's XOR claim, as numbers: single modalities and linear fusion fail, the interaction wins."""

import numpy as np
import pytest
import torch

from mmplay.data.xor import gate_label, make_gate_data
from mmplay.labs import synergy


@pytest.fixture(scope="module")
def xor_metrics():
    return synergy.run(synergy.Config())["metrics"]


@pytest.mark.parametrize("model", ["a_only", "b_only", "late_sum", "linear_concat"])
def test_unimodal_and_linear_fusion_stay_near_chance(xor_metrics, model):
    assert xor_metrics["test_accuracy"][model] <= 0.60


@pytest.mark.parametrize("model", ["interaction", "mlp"])
def test_interaction_and_mlp_solve_xor(xor_metrics, model):
    assert xor_metrics["test_accuracy"][model] >= 0.98


def test_pid_is_reported_in_bits(xor_metrics):
    assert xor_metrics["pid_bits"] == pytest.approx(
        {"redundancy": 0.0, "unique_a": 0.0, "unique_b": 0.0, "synergy": 1.0}, abs=1e-9
    )


def test_unique_a_is_solved_by_a_alone():
    metrics = synergy.run(synergy.Config(preset="unique_a", steps=150))["metrics"]
    assert metrics["test_accuracy"]["a_only"] >= 0.98
    assert metrics["test_accuracy"]["b_only"] <= 0.60


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
    logit = run.models.models["interaction"]({"a": torch.tensor([[0.5]]), "b": torch.tensor([[-2.0]])})
    assert float(logit) == pytest.approx(w_x * 0.5 + w_y * -2.0 + w_xy * -1.0 + c, abs=1e-5)


def test_same_seed_same_numbers():
    config = synergy.Config(steps=30)
    assert synergy.run(config)["metrics"] == synergy.run(config)["metrics"]
