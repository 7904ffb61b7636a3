"""Alignment lab (seed: 对齐 / Procrustes): does a rotation suffice, or is a nonlinear warp needed?

Items are split into train and held-out pairs. Three maps A → B are fitted on train and scored on
held-out pairs by the relative residual ``‖f(A) − B‖_F / ‖B − B̄‖_F``: orthogonal Procrustes (with
scale), ridge least squares ``W = (ÃᵀÃ + λI)⁻¹ÃᵀB`` (Ã with a bias column), and a small MLP trained
live. Verdict: "nonlinear" when the MLP's residual is below 0.8 × the best linear map's.
A permutation test asks whether there is any pairing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from mmplay import project2d
from mmplay.align.procrustes import (
    ProcrustesAligner,
    ProcrustesFit,
    pad_to_same_width,
    permutation_p_value,
    procrustes,
)
from mmplay.config import knob
from mmplay.data.embeddings import PRESETS, EmbeddingPair, make_pair
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, at_least, at_most
from mmplay.models import mlp_grads
from mmplay.models.mlp_map import StandardisedMLP
from mmplay.train import Trainer, adam

NONLINEAR_GAIN = 0.8  # the MLP must cut the best linear residual by 20 % to call the map nonlinear
MIN_HELD_OUT = 10  # fewer held-out pairs than this cannot judge the maps
PERMUTATION_ITEMS = 1000  # the permutation test re-pairs a random subsample of at most this many items
PERMUTATION_BUDGET = 4e9  # multiply-adds the permutation test may spend, P·(n·k² + k³) with k = min(n, d) (≈ 2 s)
MIN_PERMUTATIONS = 19  # the fewest re-pairings that can give p ≤ 0.05
VIEW_ITEMS = 2000  # the 2-D views show at most this many items
SYNTHETIC = tuple(p for p in PRESETS if p != "digits")  # the presets drawn from n, dim and noise
PRESET_NAMES = {
    "linear": N_("linear (a rotation)"),
    "warp": N_("warp (nonlinear)"),
    "unrelated": N_("unrelated (shuffled)"),
    "digits": N_("digits (image halves)"),
}


@dataclass(frozen=True)
class Config:
    preset: str = knob("linear", choices=PRESETS, help=N_("which pair of embedding sets"), names=PRESET_NAMES)
    n: int = knob(1000, lo=20, hi=20_000, help=N_("items (synthetic presets)"), only_if=("preset", SYNTHETIC))
    dim: int = knob(8, lo=2, hi=64, help=N_("dimensions (synthetic presets)"), only_if=("preset", SYNTHETIC))
    noise: float = knob(0.1, lo=0.0, hi=2.0, help=N_("noise added to B"), only_if=("preset", SYNTHETIC))
    warp: float = knob(
        1.0,
        lo=0.0,
        hi=3.0,
        help=N_("strength β of the nonlinear warp (warp preset)"),
        only_if=("preset", ("warp",)),
    )
    test_fraction: float = knob(0.3, lo=0.1, hi=0.5, help=N_("share of items held out to score the maps"))
    ridge: float = knob(0.001, lo=0.0, hi=100.0, help=N_("ridge penalty λ of the linear map"))
    hidden: int = knob(64, lo=4, hi=512, help=N_("hidden units of the MLP map"))
    lr: float = knob(0.01, lo=0.0001, hi=0.1, help=N_("Adam learning rate of the MLP map"), log=True)
    steps: int = knob(800, lo=1, hi=10_000, help=N_("where Play stops, and how long a headless run trains"))
    permutations: int = knob(
        200,
        lo=19,
        hi=2000,
        help=N_("re-pairings in the permutation test"),
        cost="capped so that P·(n·k² + k³) ≤ 4·10⁹, k = min(n, d)",
    )
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data, split and initial weights"))


@dataclass
class AlignmentRun:
    config: Config
    pair: EmbeddingPair
    a: torch.Tensor  # (N, d) padded, float64
    b: torch.Tensor  # (N, d)
    train_idx: torch.Tensor
    test_idx: torch.Tensor
    closed_form: dict[str, float]  # held-out residuals of the orthogonal and ridge maps
    mlp: StandardisedMLP  # the nonlinear map, trained live
    fit: ProcrustesFit  # Procrustes on all items (views, rotation error, per-item residuals)
    trainer: Trainer = field(init=False)

    def __post_init__(self) -> None:
        inputs, targets = self.mlp.source(self.a[self.train_idx]), self.mlp.target(self.b[self.train_idx])
        self.trainer = Trainer(
            lambda _: {"mse": mse_step(self.mlp.net, inputs, targets)},
            adam(self.mlp.parameters(), lr=self.config.lr),
            evaluate=lambda: held_out(self),
        )
        self.trainer.step(0)


@torch.no_grad()
def mse_step(net: torch.nn.Sequential, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``MSE(net(x), y)`` over every entry; its gradient ``∂/∂ŷ = 2(ŷ − y)/(N·D)`` taken back through ``net`` in
    closed form (:mod:`mmplay.models.mlp_grads`) and added to the parameters' ``.grad``."""
    tape = mlp_grads.forward(net, inputs)
    error = tape[-1] - targets
    mlp_grads.backward(net, tape, 2 * error / error.numel())
    return error.square().mean()


def relative_residual(pred: torch.Tensor, target: torch.Tensor) -> float:
    """``‖pred − target‖_F / ‖target − mean‖_F`` (the spread floored at 1e-300: a constant target has none)."""
    spread = torch.linalg.norm(target - target.mean(0)).clamp_min(1e-300)
    return float(torch.linalg.norm(pred - target) / spread)


def ridge_map(a: torch.Tensor, b: torch.Tensor, penalty: float) -> torch.Tensor:
    """``W = (ÃᵀÃ + λI)⁻¹ÃᵀB`` with Ã = [A, 1]; returns W of shape (d + 1, d_b)."""
    tilde = torch.cat([a, torch.ones(len(a), 1, dtype=a.dtype, device=a.device)], 1)
    gram = tilde.T @ tilde + penalty * torch.eye(tilde.shape[1], dtype=a.dtype, device=a.device)
    return torch.linalg.solve(gram, tilde.T @ b)


def apply_ridge(w: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    return torch.cat([a, torch.ones(len(a), 1, dtype=a.dtype, device=a.device)], 1) @ w


def build(config: Config, device: torch.device | None = None, pair: EmbeddingPair | None = None) -> AlignmentRun:
    """Split items into train and held-out pairs, fit the closed-form maps, set up the MLP map.

    Raises:
        ValueError: fewer than ``2 · MIN_HELD_OUT`` items (too few to hold out and judge).
    """
    device = device or get_device()
    pair = pair or make_pair(config.preset, config.n, config.dim, config.noise, config.warp, config.seed)
    a, b, _ = pad_to_same_width(
        torch.as_tensor(pair.a, dtype=torch.float64), torch.as_tensor(pair.b, dtype=torch.float64)
    )
    if len(a) < 2 * MIN_HELD_OUT:
        raise ValueError(f"{len(a)} items are too few: at least {2 * MIN_HELD_OUT} are needed to hold out 10")
    a, b = a.to(device), b.to(device)
    gen = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(len(a), generator=gen)
    n_test = min(max(MIN_HELD_OUT, int(round(config.test_fraction * len(a)))), len(a) - MIN_HELD_OUT)
    test_idx, train_idx = order[:n_test].to(device), order[n_test:].to(device)
    aligner = ProcrustesAligner().fit(a[train_idx], b[train_idx])
    w = ridge_map(a[train_idx], b[train_idx], config.ridge)
    closed = {
        "orthogonal": relative_residual(aligner.transform(a[test_idx]), b[test_idx]),
        "linear": relative_residual(apply_ridge(w, a[test_idx]), b[test_idx]),
    }
    torch.manual_seed(config.seed)
    mlp = StandardisedMLP(a[train_idx], b[train_idx], config.hidden).to(device)
    return AlignmentRun(config, pair, a, b, train_idx, test_idx, closed, mlp, procrustes(a, b))


def held_out(run: AlignmentRun) -> dict[str, float]:
    with torch.no_grad():
        mlp = relative_residual(run.mlp(run.a[run.test_idx]).double(), run.b[run.test_idx])
    residuals = {**run.closed_form, "mlp": mlp}
    return {f"residual.{k}": v for k, v in residuals.items()}


def mlp_gain(residuals: dict[str, float]) -> float:
    """The MLP's held-out residual over the best linear map's: below ``NONLINEAR_GAIN`` means nonlinear."""
    return residuals["mlp"] / max(min(residuals["orthogonal"], residuals["linear"]), 1e-12)


def verdict(run: AlignmentRun) -> str:
    """``"untrained"`` before the MLP map has trained, else ``"nonlinear"`` or ``"linear"``."""
    if run.trainer.steps_done == 0:
        return "untrained"
    residuals = {k.split(".")[1]: v for k, v in held_out(run).items()}
    return "nonlinear" if mlp_gain(residuals) < NONLINEAR_GAIN else "linear"


def rotation_error(run: AlignmentRun) -> float | None:
    """``‖R − R*‖_F / √d`` when the preset knows R*."""
    if run.pair.true_rotation is None:
        return None
    rotation = run.fit.rotation.cpu().numpy()
    d = rotation.shape[0]
    return float(np.linalg.norm(rotation - run.pair.true_rotation) / np.sqrt(d))


def item_residuals(run: AlignmentRun) -> np.ndarray:
    """Per-item distance ‖aligned_i − b_i‖ after the full Procrustes fit."""
    return torch.linalg.norm(run.fit.aligned - run.b, dim=1).cpu().numpy()


def worst_items(run: AlignmentRun, count: int = 8) -> list[dict[str, float]]:
    """The items farthest from their partner after the full Procrustes fit."""
    per_item = item_residuals(run)
    order = np.argsort(per_item)[::-1][:count]
    return [{"item": int(i), "cluster": int(run.pair.labels[i]), "residual": float(per_item[i])} for i in order]


def uploaded_pair(a: np.ndarray, b: np.ndarray) -> EmbeddingPair:
    """A user's two matrices as a pair with one cluster and no known rotation."""
    return EmbeddingPair(a, b, np.zeros(len(a), dtype=int), None)


def views(run: AlignmentRun, method: str = "pca") -> dict[str, tuple[np.ndarray, ...]]:
    """2-D coordinates of (A, B) before and (aligned A, B) after, both sets projected together, with the
    shown items' cluster labels and item numbers: ``{"before": (a_2d, b_2d, labels, items), "after": …}``.

    At most ``VIEW_ITEMS`` items are shown, evenly spaced through the set (so every cluster is seen).
    """
    shown = np.linspace(0, len(run.a) - 1, min(len(run.a), VIEW_ITEMS)).round().astype(int)
    index = torch.from_numpy(shown).to(run.a.device)
    a, b = run.a[index].cpu().numpy(), run.b[index].cpu().numpy()
    aligned = run.fit.aligned[index].cpu().numpy()
    n = len(a)
    before = project2d.project(np.concatenate([a, b]), method, run.config.seed)
    after = project2d.project(np.concatenate([aligned, b]), method, run.config.seed)
    labels = np.asarray(run.pair.labels)[shown]
    return {"before": (before[:n], before[n:], labels, shown), "after": (after[:n], after[n:], labels, shown)}


def permutation_cost(items: int, dim: int) -> int:
    """Multiply-adds of one re-pairing on ``items`` pairs of width ``dim``: ``n·k² + k³``, ``k = min(n, d)``."""
    k = min(items, dim)
    return items * k * k + k**3


def permutation_plan(run: AlignmentRun) -> tuple[int, int]:
    """``(items, permutations)`` the permutation test uses within ``PERMUTATION_BUDGET``.

    A subsample of at most ``PERMUTATION_ITEMS`` pairs, smaller still when even ``MIN_PERMUTATIONS``
    re-pairings of it would exceed the budget (wide uploads); then as many of the asked-for
    permutations as the budget allows.
    """
    dim = run.a.shape[1]
    items = min(len(run.a), PERMUTATION_ITEMS)
    while items > 2 * MIN_HELD_OUT and MIN_PERMUTATIONS * permutation_cost(items, dim) > PERMUTATION_BUDGET:
        items = max(2 * MIN_HELD_OUT, int(items * 0.9))
    affordable = int(PERMUTATION_BUDGET // permutation_cost(items, dim))
    return items, max(MIN_PERMUTATIONS, min(run.config.permutations, affordable))


def significance(config: Config, run: AlignmentRun, progress: Progress) -> dict:
    """Permutation p-value ``(1 + #{d_π ≤ d}) / (1 + P)`` on a seeded subsample, with what it used."""
    items, permutations = permutation_plan(run)
    pick = torch.randperm(len(run.a), generator=torch.Generator().manual_seed(config.seed + 1))[:items]
    pick = pick.to(run.a.device)
    p_value = permutation_p_value(run.a[pick], run.b[pick], permutations, config.seed, progress)
    return {"p_value": p_value, "items": items, "permutations": permutations}


def metrics(run: AlignmentRun, config: Config) -> Metrics:
    """Held-out residuals of the three maps, the MLP's gain, rotation error (when known), disparity."""
    out = held_out(run)
    out["mlp_gain"] = mlp_gain({k.split(".")[1]: v for k, v in out.items()})
    out["held_out_pairs"] = float(len(run.test_idx))
    out["disparity"] = run.fit.disparity
    error = rotation_error(run)
    if error is not None:
        out["rotation_error"] = error
    return out


LAB = Lab(
    entry=entry("alignment"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most("rotation_error", 0.01, L_("linear preset: Procrustes recovers the rotation, ‖R − R*‖/√d ≤ 0.01")),
        at_least(
            "mlp_gain",
            NONLINEAR_GAIN,
            L_(
                "linear preset: the MLP map does not beat the best linear map by 20 % (ratio ≥ {ratio}) — "
                "a rotation suffices",
                ratio=NONLINEAR_GAIN,
            ),
        ),
        at_most(
            "mlp_gain",
            0.3,
            L_("warp preset: the MLP map's held-out residual is ≤ 0.3 × the best linear one's — a rotation won't do"),
            settings={"preset": "warp"},
        ),
        at_least(
            "residual.orthogonal",
            0.9,
            L_("unrelated preset (B's rows shuffled): Procrustes explains nothing, held-out residual ≥ 0.9"),
            settings={"preset": "unrelated"},
        ),
        at_most(
            "significance.p_value",
            0.01,
            L_("linear preset: the real pairing beats every random re-pairing, permutation p ≤ 0.01"),
        ),
        at_most(
            "significance.p_value",
            0.01,
            L_("digits (real data: left and right image halves) pair up too, p ≤ 0.01"),
            settings={"preset": "digits"},
        ),
    ),
    extras=(
        Extra(
            "significance",
            L_("Permutation test"),
            ("preset", "n", "dim", "noise", "warp", "permutations", "seed"),
            significance,
            uses_run=True,
            auto=lambda config: True,  # bounded: PERMUTATION_ITEMS and PERMUTATION_BUDGET
        ),
    ),
    default_speed=50,
)
