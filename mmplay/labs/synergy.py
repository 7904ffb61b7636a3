"""Synergy lab (seed: 协同效应): XOR is unsolvable by either modality, solved by their interaction.

Six binary classifiers (see :mod:`mmplay.models.gate_heads`) train side by side on the same
data with one Adam optimizer over disjoint parameters — one batched step, equivalent to six
separate runs. Loss per model: ``BCE(ℓ, y)``; the trained sum is ``Σ_models BCE``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from mmplay.config import knob
from mmplay.data.xor import PRESETS, GateSplit, gate_table, make_gate_data
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.info import williams_beer_pid
from mmplay.labs import entry
from mmplay.labs.declaration import Lab, Metrics, at_least, at_most, between, flatten, nested
from mmplay.metrics import binary_accuracy, binary_nll
from mmplay.models.gate_heads import MODEL_NAMES, GateModelBank, lift
from mmplay.models.gate_loss import bank_bce
from mmplay.train import Trainer, adam

CHANCE_BAND = 0.62  # single modalities and linear fusion stay at or below this test accuracy
SOLVED = 0.98  # the interaction model and the MLP reach this test accuracy
PRESET_NAMES = {
    "xor": N_("XOR"),
    "and": N_("AND"),
    "or": N_("OR"),
    "redundant": N_("redundant (A = B)"),
    "unique_a": N_("unique to A"),
}


@dataclass(frozen=True)
class Config:
    preset: str = knob("xor", choices=PRESETS, help=N_("which gate labels the corners"), names=PRESET_NAMES)
    noise: float = knob(0.3, lo=0.0, hi=1.0, help=N_("std of the Gaussian noise around each corner"))
    n_points: int = knob(400, lo=40, hi=4000, help=N_("points in each of the train and test sets"))
    mlp_width: int = knob(8, lo=2, hi=64, help=N_("hidden units of the MLP"))
    lr: float = knob(0.05, lo=0.001, hi=0.5, help=N_("Adam learning rate, shared by all six models"), log=True)
    steps: int = knob(300, lo=1, hi=5000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data and initial weights"))


@dataclass
class SynergyRun:
    """A live run: data, the six models and their trainer (kept across page reruns)."""

    config: Config
    train: GateSplit
    test: GateSplit
    models: GateModelBank
    trainer: Trainer


def build(config: Config, device: torch.device | None = None) -> SynergyRun:
    """Draw the data, initialise the six models (seeded) and their shared optimizer."""
    device = device or get_device()
    train = make_gate_data(config.preset, config.n_points, config.noise, config.seed).to(device)
    test = make_gate_data(config.preset, config.n_points, config.noise, config.seed + 1).to(device)
    torch.manual_seed(config.seed)
    models = GateModelBank(config.mlp_width).to(device)
    optimizer = adam(models.parameters(), lr=config.lr)
    features = lift(train.x)  # (N, 3): [x, y, x·y], drawn once

    def objective(_: int) -> dict[str, torch.Tensor]:
        return dict(zip(MODEL_NAMES, bank_bce(models, features, train.y).unbind()))

    def evaluate() -> dict[str, float]:
        out: dict[str, float] = {}
        for split_name, split in (("train", train), ("test", test)):
            logits = models(split.x)
            for name, acc in zip(MODEL_NAMES, binary_accuracy(logits, split.y).tolist()):
                out[f"{split_name}_accuracy.{name}"] = acc
        for name, nll in zip(MODEL_NAMES, binary_nll(models(test.x), test.y).tolist()):
            out[f"test_loss.{name}"] = nll
        return out

    trainer = Trainer(objective=objective, optimizer=optimizer, evaluate=evaluate)
    trainer.step(0)
    return SynergyRun(config, train, test, models, trainer)


def decision_grids(run: SynergyRun, resolution: int = 101, extent: float = 2.5) -> dict[str, np.ndarray]:
    """``P(y=1 | x, y)`` of each model on a square grid; arrays (resolution, resolution), rows = y."""
    device = run.train.y.device
    axis = torch.linspace(-extent, extent, resolution, device=device)
    gy, gx = torch.meshgrid(axis, axis, indexing="ij")
    grid = {"a": gx.reshape(-1, 1), "b": gy.reshape(-1, 1)}
    with torch.no_grad():
        probs = torch.sigmoid(run.models(grid)).cpu().numpy()  # (R*R, 6)
    probs = probs.round(3)  # three decimals are plenty on screen and keep the page's JSON small
    grids = {name: probs[:, i].reshape(resolution, resolution) for i, name in enumerate(MODEL_NAMES)}
    grids["axis"] = axis.cpu().numpy()
    return grids


def interaction_plane(run: SynergyRun) -> tuple[float, float, float, float]:
    """Weights ``(w_x, w_y, w_xy, c)`` of the interaction model: boundary ``w·[x,y,xy] + c = 0``."""
    (w_x, w_y, w_xy), c = run.models.linear_model("interaction")
    return w_x, w_y, w_xy, c


def test_points(run: SynergyRun, limit: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The first ``limit`` test points as ``[x, y]`` (n, 2) and their labels (n,), on the CPU."""
    points = torch.cat([run.test.x["a"], run.test.x["b"]], dim=1)[:limit]
    return points.cpu().numpy().round(3), run.test.y[:limit].cpu().numpy()


def solved_models(metrics: Metrics, target: float = SOLVED) -> set[str]:
    """Models whose test accuracy reaches ``target``."""
    return {name for name, acc in nested(metrics, "test_accuracy").items() if acc >= target}


@functools.lru_cache(maxsize=len(PRESETS))
def pid_bits(preset: str) -> dict[str, float]:
    """Williams–Beer PID of the noise-free gate, in bits (the same for every run of a preset: computed once)."""
    return williams_beer_pid(gate_table(preset)).as_dict()


def metrics(run: SynergyRun, config: Config) -> Metrics:
    """``{train_accuracy|test_accuracy|test_loss}.<model>`` at the last snapshot, and ``pid.<atom>``."""
    return {**run.trainer.history[-1].metrics, **flatten(pid_bits(config.preset), "pid.")}


LAB = Lab(
    entry=entry("synergy"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most(
            "test_accuracy.a_only",
            CHANCE_BAND,
            L_("A alone (x) stays near chance: ≤ {bound:.0%} test accuracy", bound=CHANCE_BAND),
        ),
        at_most(
            "test_accuracy.b_only", CHANCE_BAND, L_("B alone (y) stays near chance: ≤ {bound:.0%}", bound=CHANCE_BAND)
        ),
        at_most(
            "test_accuracy.late_sum",
            CHANCE_BAND,
            L_("late fusion (sum of logits) stays ≤ {bound:.0%}", bound=CHANCE_BAND),
        ),
        at_most(
            "test_accuracy.linear_concat",
            CHANCE_BAND,
            L_("a linear model on [x, y] stays ≤ {bound:.0%}", bound=CHANCE_BAND),
        ),
        at_least(
            "test_accuracy.interaction", SOLVED, L_("a linear model on [x, y, x·y] reaches ≥ {bound:.0%}", bound=SOLVED)
        ),
        at_least("test_accuracy.mlp", SOLVED, L_("an MLP on [x, y] reaches ≥ {bound:.0%}", bound=SOLVED)),
        between("pid.synergy", 1 - 1e-9, 1 + 1e-9, L_("XOR's information is pure synergy: 1 bit (Williams–Beer PID)")),
    ),
)
