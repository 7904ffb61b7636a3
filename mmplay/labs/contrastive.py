"""Contrastive lab (seed: 对比学习): two encoders trained into one space, and what that buys.

Encoders ``f_a, f_b`` (MLPs) map each modality to a D-dim embedding; InfoNCE or triplet loss
pulls each item's two views together. Measured: cross-modal retrieval recall@k, Wang & Isola's
alignment/uniformity, and label efficiency — linear probes with n labels per concept on raw
features, on the untrained encoders, and on the trained ones — plus cross-modal transfer (a probe
fitted on A's embeddings, tested on B's).

With InfoNCE, a training step computes the encoders' and the temperature's gradients in closed form
(:mod:`mmplay.align.info_nce_grads`, :mod:`mmplay.models.mlp_grads`) instead of autograd: on
minibatches of 256 its bookkeeping cost more than the arithmetic (20 steps: 35 → 17 ms on one CPU thread).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from mmplay import project2d
from mmplay.align.contrastive import InfoNCE, triplet_loss
from mmplay.align.info_nce_grads import info_nce_and_grads
from mmplay.config import knob
from mmplay.data.concepts import PairedData, digits_halves_pairs, make_concepts
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, at_least, at_most, difference, no_progress
from mmplay.metrics import alignment_uniformity, retrieval_recall
from mmplay.models import mlp_grads
from mmplay.train import Trainer, adam

LABELS_PER_CONCEPT = (1, 2, 5, 10, 50)
TRANSFER_ITEMS = 5000  # the cross-modal probe is fitted on at most this many training items
PRESET_NAMES = {"synthetic": N_("synthetic sensors"), "digits": N_("digit halves")}
LOSS_NAMES = {"infonce": N_("InfoNCE"), "triplet": N_("triplet")}
MINING_NAMES = {"random": N_("random"), "semi-hard": N_("semi-hard"), "hard": N_("hard")}


@dataclass(frozen=True)
class Config:
    preset: str = knob(
        "synthetic",
        choices=("synthetic", "digits"),
        help=N_("synthetic sensors, or digit halves"),
        names=PRESET_NAMES,
    )
    loss: str = knob("infonce", choices=("infonce", "triplet"), help=N_("contrastive objective"), names=LOSS_NAMES)
    temperature: float = knob(
        0.1,
        lo=0.01,
        hi=1.0,
        help=N_("InfoNCE temperature τ (initial value if learned)"),
        log=True,
        only_if=("loss", ("infonce",)),
    )
    learn_temperature: bool = knob(True, help=N_("learn τ along with the encoders"), only_if=("loss", ("infonce",)))
    margin: float = knob(0.2, lo=0.01, hi=1.0, help=N_("triplet margin"), only_if=("loss", ("triplet",)))
    mining: str = knob(
        "semi-hard",
        choices=("random", "semi-hard", "hard"),
        help=N_("triplet negatives"),
        only_if=("loss", ("triplet",)),
        names=MINING_NAMES,
    )
    batch: int = knob(
        256, lo=16, hi=1024, help=N_("pairs per batch"), cost="time per step ∝ batch² (the B × B similarity matrix)"
    )
    emb_dim: int = knob(16, lo=2, hi=128, help=N_("embedding width"))
    lr: float = knob(0.003, lo=0.0001, hi=0.05, help=N_("Adam learning rate"), log=True)
    concepts: int = knob(10, lo=2, hi=50, help=N_("number of concepts K"))
    noise: float = knob(0.1, lo=0.0, hi=1.0, help=N_("sensor noise"))
    gain: float = knob(1.0, lo=0.1, hi=4.0, help=N_("sensor nonlinearity (tanh gain)"))
    nuisance: float = knob(2.0, lo=0.0, hi=4.0, help=N_("scale of each modality's private factors"))
    n_train: int = knob(4000, lo=500, hi=20_000, help=N_("training pairs"))
    steps: int = knob(600, lo=1, hi=10_000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data, batches and initial weights"))


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
    trainer: Trainer = field(init=False)
    embedded: dict[str, torch.Tensor] = field(init=False, default_factory=dict)  # held_out_embedding's
    embedded_step: int = field(init=False, default=-1)  # the step it was computed at

    def __post_init__(self) -> None:
        config, train, nce = self.config, self.train, self.loss
        params = list(self.encoders.parameters()) + ([nce.log_temperature] if config.learn_temperature else [])
        gen = torch.Generator().manual_seed(config.seed + 5)
        device = train.concept.device

        def pairs() -> tuple[torch.Tensor, torch.Tensor]:
            """A minibatch of ``batch`` training pairs drawn with replacement: (x_a, x_b)."""
            n = len(train.concept)
            idx = torch.randint(0, n, (min(config.batch, n),), generator=gen).to(device)
            return train.x["a"].index_select(0, idx), train.x["b"].index_select(0, idx)

        @torch.no_grad()
        def infonce(_: int) -> dict[str, torch.Tensor]:
            """Symmetric InfoNCE of the two encoders' outputs; every gradient in closed form."""
            x_a, x_b = pairs()
            tape_a = mlp_grads.forward(self.encoders["a"], x_a)
            tape_b = mlp_grads.forward(self.encoders["b"], x_b)
            loss, d_a, d_b, d_log_tau = info_nce_and_grads(tape_a[-1], tape_b[-1], nce)
            mlp_grads.backward(self.encoders["a"], tape_a, d_a)
            mlp_grads.backward(self.encoders["b"], tape_b, d_b)
            if config.learn_temperature:
                nce.log_temperature.grad = d_log_tau
            return {"infonce": loss}

        def triplet(_: int) -> dict[str, torch.Tensor]:
            """Triplet loss with in-batch mined negatives (autograd)."""
            x_a, x_b = pairs()
            z_a, z_b = self.encoders["a"](x_a), self.encoders["b"](x_b)
            return {"triplet": triplet_loss(z_a, z_b, config.margin, config.mining, gen)}

        objective = infonce if config.loss == "infonce" else triplet
        self.trainer = Trainer(objective, adam(params, lr=config.lr), evaluate=lambda: retrieval(self))
        self.trainer.step(0)


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
    return ContrastiveRun(config, train, test, encoders, initial, nce)


def embed(encoders: torch.nn.ModuleDict, data: PairedData) -> dict[str, torch.Tensor]:
    with torch.no_grad():
        return {m: torch.nn.functional.normalize(encoders[m](data.x[m]), dim=1) for m in ("a", "b")}


def held_out_embedding(run: ContrastiveRun) -> dict[str, torch.Tensor]:
    """The trained encoders' unit embeddings of the held-out pairs (:func:`embed`): computed when first asked for
    and kept until the next training step (the evaluation and the page's two figures share them)."""
    if run.embedded_step != run.trainer.steps_done:
        run.embedded, run.embedded_step = embed(run.encoders, run.test), run.trainer.steps_done
    return run.embedded


def retrieval(run: ContrastiveRun, uniformity_sample: int = 500) -> dict[str, float]:
    """Recall@1/5 both ways on the held-out pairs; alignment/uniformity on the first 500 of them."""
    z = held_out_embedding(run)
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


def label_efficiency(
    run: ContrastiveRun, draws: int = 5, progress: Progress = no_progress
) -> dict[str, dict[str, dict[str, float]]]:
    """Probe accuracy (mean, std over draws) per labels-per-concept n and representation.

    Only the n that every concept has enough training items for are run.
    """
    train_y, test_y = run.train.concept.cpu().numpy(), run.test.concept.cpu().numpy()
    train_r, test_r = representations(run, run.train), representations(run, run.test)
    classes = np.unique(train_y)
    smallest = int(min((train_y == c).sum() for c in classes))
    out: dict[str, dict[str, dict[str, float]]] = {}
    sizes = [n for n in LABELS_PER_CONCEPT if n <= smallest]
    for done, n in enumerate(sizes):
        scores: dict[str, list[float]] = {k: [] for k in train_r}
        for draw_index in range(draws):
            rng = np.random.default_rng(run.config.seed * 1000 + draw_index)
            idx = np.concatenate([rng.choice(np.flatnonzero(train_y == c), n, replace=False) for c in classes])
            for name in train_r:
                scores[name].append(_probe(train_r[name][idx], train_y[idx], test_r[name], test_y))
        out[str(n)] = {name: {"mean": float(np.mean(v)), "std": float(np.std(v))} for name, v in scores.items()}
        progress((done + 1) / len(sizes))
    return out


def cross_modal_transfer(run: ContrastiveRun) -> dict[str, float]:
    """A probe fitted on modality A's embeddings (the first ``TRANSFER_ITEMS`` training labels), scored on B's."""
    fit_items = run.train.subset(TRANSFER_ITEMS)
    train_y, test_y = fit_items.concept.cpu().numpy(), run.test.concept.cpu().numpy()
    out = {}
    for name, encoders in (("untrained", run.initial), ("trained", run.encoders)):
        fit_on, score_on = embed(encoders, fit_items)["a"].cpu().numpy(), embed(encoders, run.test)["b"].cpu().numpy()
        out[name] = _probe(fit_on, train_y, score_on, test_y)
    return out


def joint_embedding(run: ContrastiveRun, limit: int = 300, method: str = "pca") -> dict[str, np.ndarray]:
    """2-D view (PCA, or UMAP) of both modalities' test embeddings in one space (first ``limit`` each)."""
    z = held_out_embedding(run)
    both = torch.cat([z["a"][:limit], z["b"][:limit]]).cpu().numpy()
    xy = project2d.project(both, method, run.config.seed)
    concept = run.test.concept[:limit].cpu().numpy()
    return {
        "xy": xy,
        "concept": np.concatenate([concept, concept]),
        "modality": np.array(["A"] * min(limit, len(concept)) + ["B"] * min(limit, len(concept))),
    }


def similarity_matrix(run: ContrastiveRun, size: int = 24) -> np.ndarray:
    z = held_out_embedding(run)
    return (z["a"][:size] @ z["b"][:size].T).cpu().numpy()


def concept_count(run: ContrastiveRun) -> int:
    """How many concepts the run's data has (K, or 10 digits)."""
    return int(run.train.concept.max()) + 1


def probes(config: Config, run: ContrastiveRun, progress: Progress) -> dict:
    """Label efficiency (mean probe accuracy per labels-per-concept and representation) and transfer."""
    table = label_efficiency(run, progress=lambda done: progress(0.8 * done))
    efficiency = {n: {name: v["mean"] for name, v in row.items()} for n, row in table.items()}
    transfer = cross_modal_transfer(run)
    progress(1.0)
    return {"efficiency": efficiency, "transfer": transfer, "table": table}


def metrics(run: ContrastiveRun, config: Config) -> Metrics:
    """Retrieval recall@1/5 both ways (now and at step 0), alignment, uniformity, temperature, and recall@k's
    chance level k/N on N held-out pairs."""
    now, first = run.trainer.history[-1].metrics, run.trainer.history[0].metrics
    pairs = len(run.test.concept)
    chance = {f"chance.recall_at_{k}": min(k / pairs, 1.0) for k in (1, 5)}  # the pair among k random picks
    return {**now, **{f"initial.{k}": v for k, v in first.items() if k.startswith("recall")}, **chance}


LAB = Lab(
    entry=entry("contrastive"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most(
            "initial.recall_at_1.a_to_b", 0.01, L_("before training, recall@1 A → B is near chance (0.1 %): ≤ 1 %")
        ),
        at_least("recall_at_1.a_to_b", 0.04, L_("after 600 steps, recall@1 A → B on 1,000 held-out pairs is ≥ 4 %")),
        at_least(
            "label_gain_1",
            0.2,
            L_("with 1 label per concept, a probe on the trained embeddings beats raw features by ≥ 20 points"),
            of=difference("probes.efficiency.1.trained", "probes.efficiency.1.raw"),
        ),
        at_least("probes.transfer.trained", 0.8, L_("a probe fitted on A's embeddings classifies B's: ≥ 80 %")),
        at_most("probes.transfer.untrained", 0.3, L_("… which the untrained encoders cannot: ≤ 30 % (chance 10 %)")),
    ),
    extras=(
        Extra(
            "probes",
            L_("Run the label-efficiency experiment (≈ 10 s)"),
            ("preset", "concepts", "noise", "gain", "nuisance", "n_train", "seed"),
            probes,
            uses_run=True,
            uses_training=True,
        ),
    ),
)
