"""Contrastive lab (seed: 对比学习): two encoders trained into one space, and what that buys.

Encoders ``f_a, f_b`` (MLPs) map each modality to a D-dim embedding; InfoNCE or triplet loss
pulls each item's two views together. Measured: cross-modal retrieval recall@k, Wang & Isola's
alignment/uniformity, and label efficiency — linear probes with n labels per concept on raw
features, on the untrained encoders, and on the trained ones — plus cross-modal transfer (a probe
fitted on A's embeddings, tested on B's).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from mmplay import project2d
from mmplay.align.contrastive import InfoNCE, triplet_loss
from mmplay.config import knob
from mmplay.data.concepts import PairedData, digits_halves_pairs, make_concepts
from mmplay.device import get_device
from mmplay.metrics import alignment_uniformity, retrieval_recall
from mmplay.train import Trainer

LABELS_PER_CONCEPT = (1, 2, 5, 10, 50)


@dataclass(frozen=True)
class Config:
    preset: str = knob("synthetic", choices=("synthetic", "digits"), help="synthetic sensors, or digit halves")
    loss: str = knob("infonce", choices=("infonce", "triplet"), help="contrastive objective")
    temperature: float = knob(0.1, lo=0.01, hi=1.0, help="InfoNCE temperature τ (initial value if learned)")
    learn_temperature: bool = knob(True, help="learn τ along with the encoders")
    margin: float = knob(0.2, lo=0.01, hi=1.0, help="triplet margin")
    mining: str = knob("semi-hard", choices=("random", "semi-hard", "hard"), help="triplet negatives")
    batch: int = knob(256, lo=16, hi=8192, help="pairs per batch")
    emb_dim: int = knob(16, lo=2, hi=128, help="embedding width")
    lr: float = knob(0.003, lo=0.0001, hi=0.05, help="Adam learning rate")
    concepts: int = knob(10, lo=2, hi=50, help="number of concepts K")
    noise: float = knob(0.1, lo=0.0, hi=1.0, help="sensor noise")
    gain: float = knob(1.0, lo=0.1, hi=4.0, help="sensor nonlinearity (tanh gain)")
    nuisance: float = knob(2.0, lo=0.0, hi=4.0, help="scale of each modality's private factors")
    n_train: int = knob(4000, lo=500, hi=100_000, help="training pairs")
    steps: int = knob(600, lo=1, hi=10_000, help="optimizer steps for a headless run")
    seed: int = knob(0, lo=0, hi=2**31 - 1, help="seeds data, batches and initial weights")


def encoder(in_dim: int, out_dim: int) -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Linear(in_dim, 128), torch.nn.ReLU(), torch.nn.Linear(128, out_dim))


@dataclass
class ContrastiveRun:
    config: Config
    train: PairedData
    test: PairedData
    encoders: torch.nn.ModuleDict
    initial: torch.nn.ModuleDict  # the same encoders before training
    loss: InfoNCE
    trainer: Trainer


def draw(config: Config, n: int, seed: int) -> PairedData:
    return make_concepts(
        n, concepts=config.concepts, noise=config.noise, gain=config.gain, nuisance=config.nuisance, seed=seed
    )


def build(config: Config, device: torch.device | None = None) -> ContrastiveRun:
    device = device or get_device()
    if config.preset == "digits":
        train, test = (split.to(device) for split in digits_halves_pairs(config.seed))
    else:
        train, test = (
            draw(config, config.n_train, config.seed).to(device),
            draw(config, 1000, config.seed + 1).to(device),
        )
    torch.manual_seed(config.seed)
    encoders = torch.nn.ModuleDict({m: encoder(train.x[m].shape[1], config.emb_dim) for m in ("a", "b")}).to(device)
    initial = copy.deepcopy(encoders)
    nce = InfoNCE(config.temperature, learnable=config.learn_temperature).to(device)
    params = list(encoders.parameters()) + ([nce.log_temperature] if config.learn_temperature else [])
    gen = torch.Generator().manual_seed(config.seed + 5)
    run = ContrastiveRun(config, train, test, encoders, initial, nce, None)  # type: ignore[arg-type]

    def objective(_: int) -> dict[str, torch.Tensor]:
        n = len(train.concept)
        idx = torch.randint(0, n, (min(config.batch, n),), generator=gen).to(device)
        z_a, z_b = encoders["a"](train.x["a"][idx]), encoders["b"](train.x["b"][idx])
        if config.loss == "infonce":
            return {"infonce": nce(z_a, z_b)}
        return {"triplet": triplet_loss(z_a, z_b, config.margin, config.mining, gen)}

    run.trainer = Trainer(objective, torch.optim.Adam(params, lr=config.lr), evaluate=lambda: retrieval(run))
    run.trainer.step(0)
    return run


def embed(encoders: torch.nn.ModuleDict, data: PairedData) -> dict[str, torch.Tensor]:
    with torch.no_grad():
        return {m: torch.nn.functional.normalize(encoders[m](data.x[m]), dim=1) for m in ("a", "b")}


def retrieval(run: ContrastiveRun, uniformity_sample: int = 500) -> dict[str, float]:
    """Recall@1/5 both ways on the held-out pairs; alignment/uniformity on the first 500 of them."""
    z = embed(run.encoders, run.test)
    align, uniform = alignment_uniformity(z["a"][:uniformity_sample], z["b"][:uniformity_sample])
    recalls = retrieval_recall(z["a"], z["b"])
    return {**recalls, "alignment": align, "uniformity": uniform, "temperature": float(run.loss.temperature)}


def _probe(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray) -> float:
    model = LogisticRegression(max_iter=1000, C=1.0).fit(train_x, train_y)
    return float(model.score(test_x, test_y))


def representations(run: ContrastiveRun, data: PairedData, modality: str = "a") -> dict[str, np.ndarray]:
    raw = data.x[modality].cpu().numpy()
    return {
        "raw": raw,
        "untrained": embed(run.initial, data)[modality].cpu().numpy(),
        "trained": embed(run.encoders, data)[modality].cpu().numpy(),
    }


def label_efficiency(run: ContrastiveRun, draws: int = 5) -> dict[str, dict[str, dict[str, float]]]:
    """Probe accuracy (mean, std over draws) per labels-per-concept n and representation.

    Only the n that every concept has enough training items for are run.
    """
    train_y, test_y = run.train.concept.cpu().numpy(), run.test.concept.cpu().numpy()
    train_r, test_r = representations(run, run.train), representations(run, run.test)
    classes = np.unique(train_y)
    smallest = int(min((train_y == c).sum() for c in classes))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for n in (n for n in LABELS_PER_CONCEPT if n <= smallest):
        scores: dict[str, list[float]] = {k: [] for k in train_r}
        for draw_index in range(draws):
            rng = np.random.default_rng(run.config.seed * 1000 + draw_index)
            idx = np.concatenate([rng.choice(np.flatnonzero(train_y == c), n, replace=False) for c in classes])
            for name in train_r:
                scores[name].append(_probe(train_r[name][idx], train_y[idx], test_r[name], test_y))
        out[str(n)] = {name: {"mean": float(np.mean(v)), "std": float(np.std(v))} for name, v in scores.items()}
    return out


def cross_modal_transfer(run: ContrastiveRun) -> dict[str, float]:
    """A probe fitted on modality A's embeddings (all training labels), scored on B's test embeddings."""
    train_y, test_y = run.train.concept.cpu().numpy(), run.test.concept.cpu().numpy()
    out = {}
    for name, encoders in (("untrained", run.initial), ("trained", run.encoders)):
        fit_on, score_on = embed(encoders, run.train)["a"].cpu().numpy(), embed(encoders, run.test)["b"].cpu().numpy()
        out[name] = _probe(fit_on, train_y, score_on, test_y)
    return out


def joint_embedding(run: ContrastiveRun, limit: int = 300, method: str = "pca") -> dict[str, np.ndarray]:
    """2-D view (PCA, or UMAP) of both modalities' test embeddings in one space (first ``limit`` each)."""
    z = embed(run.encoders, run.test)
    both = torch.cat([z["a"][:limit], z["b"][:limit]]).cpu().numpy()
    xy = project2d.project(both, method, run.config.seed)
    concept = run.test.concept[:limit].cpu().numpy()
    return {
        "xy": xy,
        "concept": np.concatenate([concept, concept]),
        "modality": np.array(["A"] * min(limit, len(concept)) + ["B"] * min(limit, len(concept))),
    }


def similarity_matrix(run: ContrastiveRun, size: int = 24) -> np.ndarray:
    z = embed(run.encoders, run.test)
    return (z["a"][:size] @ z["b"][:size].T).cpu().numpy()


def concept_count(run: ContrastiveRun) -> int:
    """How many concepts the run's data has (K, or 10 digits)."""
    return int(run.train.concept.max()) + 1


def run(config: Config) -> dict:
    live = build(config)
    before = live.trainer.history[0].metrics
    after = live.trainer.run(config.steps, every=max(config.steps // 4, 1)).metrics
    efficiency = label_efficiency(live)
    return {
        "config": asdict(config),
        "metrics": {
            "recall_at_1": {
                stage: {d: m[f"recall_at_1.{d}"] for d in ("a_to_b", "b_to_a")}
                for stage, m in (("before", before), ("after", after))
            },
            "probe_accuracy": {n: {k: v["mean"] for k, v in table.items()} for n, table in efficiency.items()},
            "cross_modal_transfer": cross_modal_transfer(live),
            "alignment": after["alignment"],
            "uniformity": after["uniformity"],
        },
    }
