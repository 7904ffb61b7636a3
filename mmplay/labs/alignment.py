"""Alignment lab (seed: 对齐 / Procrustes): does a rotation suffice, or is a nonlinear warp needed?

Items are split into train and held-out pairs. Three maps A → B are fitted on train and scored on
held-out pairs by the relative residual ``‖f(A) − B‖_F / ‖B − B̄‖_F``: orthogonal Procrustes (with
scale), ridge least squares ``W = (ÃᵀÃ + λI)⁻¹ÃᵀB`` (Ã with a bias column), and a small MLP trained
live. Verdict: "nonlinear" when the MLP's residual is below 0.8 × the best linear map's.
A permutation test asks whether there is any pairing at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

from mmplay import project2d
from mmplay.align.procrustes import ProcrustesAligner, pad_to_same_width, permutation_p_value, procrustes
from mmplay.config import knob
from mmplay.data.embeddings import PRESETS, EmbeddingPair, make_pair
from mmplay.device import get_device
from mmplay.models.mlp_map import StandardisedMLP
from mmplay.train import Trainer

NONLINEAR_GAIN = 0.8  # the MLP must cut the best linear residual by 20 % to call the map nonlinear


@dataclass(frozen=True)
class Config:
    preset: str = knob("linear", choices=PRESETS, help="which pair of embedding sets")
    n: int = knob(1000, lo=20, hi=20_000, help="items (synthetic presets)")
    dim: int = knob(8, lo=2, hi=64, help="dimensions (synthetic presets)")
    noise: float = knob(0.1, lo=0.0, hi=2.0, help="noise added to B")
    warp: float = knob(1.0, lo=0.0, hi=3.0, help="strength β of the nonlinear warp (warp preset)")
    test_fraction: float = knob(0.3, lo=0.1, hi=0.5, help="share of items held out to score the maps")
    ridge: float = knob(0.001, lo=0.0, hi=100.0, help="ridge penalty λ of the linear map")
    hidden: int = knob(64, lo=4, hi=512, help="hidden units of the MLP map")
    lr: float = knob(0.01, lo=0.0001, hi=0.1, help="Adam learning rate of the MLP map")
    steps: int = knob(800, lo=1, hi=10_000, help="optimizer steps for a headless run")
    permutations: int = knob(200, lo=19, hi=2000, help="re-pairings in the permutation test")
    seed: int = knob(0, lo=0, hi=2**31 - 1, help="seeds data, split and initial weights")


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
    trainer: Trainer


def relative_residual(pred: torch.Tensor, target: torch.Tensor) -> float:
    return float(torch.linalg.norm(pred - target) / torch.linalg.norm(target - target.mean(0)))


def ridge_map(a: torch.Tensor, b: torch.Tensor, penalty: float) -> torch.Tensor:
    """``W = (ÃᵀÃ + λI)⁻¹ÃᵀB`` with Ã = [A, 1]; returns W of shape (d + 1, d_b)."""
    tilde = torch.cat([a, torch.ones(len(a), 1, dtype=a.dtype, device=a.device)], 1)
    gram = tilde.T @ tilde + penalty * torch.eye(tilde.shape[1], dtype=a.dtype, device=a.device)
    return torch.linalg.solve(gram, tilde.T @ b)


def apply_ridge(w: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    return torch.cat([a, torch.ones(len(a), 1, dtype=a.dtype, device=a.device)], 1) @ w


def build(config: Config, pair: EmbeddingPair | None = None, device: torch.device | None = None) -> AlignmentRun:
    device = device or get_device()
    pair = pair or make_pair(config.preset, config.n, config.dim, config.noise, config.warp, config.seed)
    a, b, _ = pad_to_same_width(
        torch.as_tensor(pair.a, dtype=torch.float64), torch.as_tensor(pair.b, dtype=torch.float64)
    )
    a, b = a.to(device), b.to(device)
    gen = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(len(a), generator=gen)
    n_test = max(1, int(round(config.test_fraction * len(a))))
    test_idx, train_idx = order[:n_test].to(device), order[n_test:].to(device)
    aligner = ProcrustesAligner().fit(a[train_idx], b[train_idx])
    w = ridge_map(a[train_idx], b[train_idx], config.ridge)
    closed = {
        "orthogonal": relative_residual(aligner.transform(a[test_idx]), b[test_idx]),
        "linear": relative_residual(apply_ridge(w, a[test_idx]), b[test_idx]),
    }
    torch.manual_seed(config.seed)
    mlp = StandardisedMLP(a[train_idx], b[train_idx], config.hidden).to(device)
    a_train, b_train = a[train_idx], mlp.target(b[train_idx])
    run = AlignmentRun(config, pair, a, b, train_idx, test_idx, closed, mlp, None)  # type: ignore[arg-type]
    run.trainer = Trainer(
        lambda _: {"mse": F.mse_loss(mlp.standardised(a_train), b_train)},
        torch.optim.Adam(mlp.parameters(), lr=config.lr),
        evaluate=lambda: held_out(run),
    )
    run.trainer.step(0)
    return run


def held_out(run: AlignmentRun) -> dict[str, float]:
    with torch.no_grad():
        mlp = relative_residual(run.mlp(run.a[run.test_idx]).double(), run.b[run.test_idx])
    residuals = {**run.closed_form, "mlp": mlp}
    return {f"residual.{k}": v for k, v in residuals.items()}


def verdict(residuals: dict[str, float]) -> str:
    best_linear = min(residuals["orthogonal"], residuals["linear"])
    return "nonlinear" if residuals["mlp"] < NONLINEAR_GAIN * best_linear else "linear"


def full_fit(run: AlignmentRun):
    """Procrustes on all items (for the views and the rotation error)."""
    return procrustes(run.a, run.b)


def rotation_error(run: AlignmentRun) -> float | None:
    """``‖R − R*‖_F / √d`` when the preset knows R*."""
    if run.pair.true_rotation is None:
        return None
    rotation = full_fit(run).rotation.cpu().numpy()
    d = rotation.shape[0]
    return float(np.linalg.norm(rotation - run.pair.true_rotation) / np.sqrt(d))


def item_residuals(run: AlignmentRun) -> np.ndarray:
    """Per-item distance ‖aligned_i − b_i‖ after the full Procrustes fit."""
    return torch.linalg.norm(full_fit(run).aligned - run.b, dim=1).cpu().numpy()


def worst_items(run: AlignmentRun, count: int = 8) -> list[dict[str, float]]:
    """The items farthest from their partner after the full Procrustes fit."""
    per_item = item_residuals(run)
    order = np.argsort(per_item)[::-1][:count]
    return [{"item": int(i), "cluster": int(run.pair.labels[i]), "residual": float(per_item[i])} for i in order]


def uploaded_pair(a: np.ndarray, b: np.ndarray) -> EmbeddingPair:
    """A user's two matrices as a pair with one cluster and no known rotation."""
    return EmbeddingPair(a, b, np.zeros(len(a), dtype=int), None)


def views(run: AlignmentRun, method: str = "pca") -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """2-D coordinates of (A, B) before and (aligned A, B) after, both sets projected together."""
    a, b = run.a.cpu().numpy(), run.b.cpu().numpy()
    aligned = full_fit(run).aligned.cpu().numpy()
    n = len(a)
    before = project2d.project(np.concatenate([a, b]), method, run.config.seed)
    after = project2d.project(np.concatenate([aligned, b]), method, run.config.seed)
    return {"before": (before[:n], before[n:]), "after": (after[:n], after[n:])}


def permutation_p_value_of(run: AlignmentRun) -> float:
    return permutation_p_value(run.a, run.b, run.config.permutations, run.config.seed)


def summary(run: AlignmentRun) -> dict:
    residuals = {k.split(".")[1]: v for k, v in held_out(run).items()}
    return {
        "rotation_error": rotation_error(run),
        "residual": residuals,
        "verdict": verdict(residuals),
        "p_value": permutation_p_value_of(run),
        "disparity": full_fit(run).disparity,
        "padded": bool(run.pair.a.shape[1] != run.pair.b.shape[1]),
    }


def run(config: Config) -> dict:
    live = build(config)
    live.trainer.run(config.steps, every=max(config.steps // 4, 1))
    return {"config": asdict(config), "metrics": summary(live)}
