"""Gating lab (seed: 负迁移): fusing a corrupted modality drags accuracy below the clean one alone.

Trained on clean data: logistic regressions on A, on B, and on [A, B] (naive fusion). A soft gate
(:class:`mmplay.robust.gating.SoftGate`) learns, on training data whose A or B is randomly
corrupted (``AUGMENTED_COPIES`` copies drawn once, one per step in turn), how to weigh {A, B, fused}.
Each step takes a minibatch of ``batch`` items (drawn with replacement; all when it covers the set).
At test time B is corrupted: Gaussian noise of std ``8·C`` or, with probability C, features of another
class ("misleading").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F

from mmplay import ops
from mmplay.config import knob
from mmplay.data.latent import CLASSES, TwoModalData, corrupt_misleading, corrupt_noise, make_two_modal
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Lab, Metrics, at_least, at_most, difference
from mmplay.metrics import chance_accuracy
from mmplay.robust import gating as g
from mmplay.train import Trainer, adam, minibatch_rows

NUISANCE = 6  # pure-noise features appended to each modality: 8 features each
MAX_NOISE = 8.0  # corruption = 1 means noise std 8 on modality B (its clean features have std ≈ 1)
METHODS = ("a_only", "b_only", "naive", "rule_gate", "learned_gate", "entropy_gate")
LEVELS = tuple(i / 10 for i in range(11))
AUGMENTED_COPIES = 8  # corrupted copies of the training set, drawn once; the gate trains on them in turn
KIND_NAMES = {"noise": N_("noise"), "misleading": N_("misleading")}


@dataclass(frozen=True)
class Config:
    corruption: float = knob(
        1.0, lo=0.0, hi=1.0, step=0.05, help=N_("how corrupted modality B is at test time"), test_time=True
    )
    kind: str = knob(
        "noise",
        choices=("noise", "misleading"),
        help=N_("Gaussian noise, or another class's features"),
        test_time=True,
        names=KIND_NAMES,
    )
    tau: float = knob(
        0.3, lo=0.0, hi=0.69, step=0.01, help=N_("JS divergence (nats) above which the gate may close"), test_time=True
    )
    noise: float = knob(0.5, lo=0.1, hi=1.5, help=N_("clean per-feature noise of both modalities"))
    n_train: int = knob(4000, lo=400, hi=40000, help=N_("training items"))
    n_test: int = knob(4000, lo=400, hi=40000, help=N_("test items"))
    lr: float = knob(0.03, lo=0.001, hi=0.3, help=N_("Adam learning rate"), log=True)
    batch: int = knob(500, lo=16, hi=40000, help=N_("minibatch size"))
    steps: int = knob(400, lo=1, hi=5000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data, corruption and initial weights"))


@dataclass(frozen=True)
class Inputs:
    """A split as the methods see it: A's and B's features side by side (naive fusion's input) and each
    modality's squared Mahalanobis distance to the nearest class mean (no model in it: computed once)."""

    fused_x: torch.Tensor  # (N, 2D): A's D features, then B's
    distances: torch.Tensor  # (N, 2): d²_A, d²_B

    @property
    def x(self) -> dict[str, torch.Tensor]:
        dim = self.fused_x.shape[1] // 2
        return {"a": self.fused_x[:, :dim], "b": self.fused_x[:, dim:]}

    @property
    def dist(self) -> dict[str, torch.Tensor]:
        return {"a": self.distances[:, 0], "b": self.distances[:, 1]}

    def rows(self, idx: torch.Tensor | None) -> Inputs:
        """The items at ``idx`` (all of them for ``None``)."""
        return self if idx is None else Inputs(self.fused_x[idx], self.distances[idx])


def inputs_of(x: dict[str, torch.Tensor], typicality: dict[str, g.Typicality]) -> Inputs:
    return Inputs(torch.cat([x["a"], x["b"]], 1), torch.stack([typicality[m].distance(x[m]) for m in ("a", "b")], 1))


@dataclass
class GatingRun:
    config: Config
    train: TwoModalData
    test: TwoModalData
    models: torch.nn.ModuleDict
    typicality: dict[str, g.Typicality]
    trainer: Trainer = field(init=False)
    clean: Inputs = field(init=False)  # the training set
    noisy: list[Inputs] = field(init=False)  # AUGMENTED_COPIES corrupted training sets, one per step in turn
    corrupted: dict[tuple[str, float], Inputs] = field(init=False, default_factory=dict)  # test sets by (kind, level)
    seen: dict[tuple, tuple] = field(init=False, default_factory=dict)  # predictions at this step, by view

    def __post_init__(self) -> None:
        models, train = self.models, self.train
        self.clean = inputs_of(train.x, self.typicality)
        self.noisy = [inputs_of(augmented(train, i), self.typicality) for i in range(AUGMENTED_COPIES)]

        gen = torch.Generator().manual_seed(self.config.seed + 3)
        n = train.y.shape[0]

        def objective(step: int) -> dict[str, torch.Tensor]:
            idx = minibatch_rows(n, self.config.batch, gen, train.y.device)
            clean, noisy = self.clean.rows(idx), self.noisy[step % AUGMENTED_COPIES].rows(idx)
            y = train.y if idx is None else train.y[idx]
            losses = {
                "a_only": ops.cross_entropy(models["a_only"](clean.x["a"]), y),
                "b_only": ops.cross_entropy(models["b_only"](clean.x["b"]), y),
                "naive": ops.cross_entropy(models["naive"](clean.fused_x), y),
            }
            with torch.no_grad():
                probs = expert_probs(self, noisy)
            mixed, _ = gated_soft(self, noisy, probs)
            losses["learned_gate"] = F.nll_loss(torch.log(mixed.clamp_min(1e-9)), y)
            return losses

        optimizer = adam(models.parameters(), lr=self.config.lr)
        evaluate = lambda: {f"accuracy.{k}": v for k, v in evaluate_at(self, self.config).items()}  # noqa: E731
        self.trainer = Trainer(objective, optimizer, evaluate=evaluate)
        self.trainer.step(0)


def expert_probs(run: GatingRun, data: Inputs) -> dict[str, torch.Tensor]:
    m = run.models
    return {
        "a_only": ops.softmax(m["a_only"](data.x["a"])),
        "b_only": ops.softmax(m["b_only"](data.x["b"])),
        "naive": ops.softmax(m["naive"](data.fused_x)),
    }


def augmented(train: TwoModalData, draw: int) -> dict[str, torch.Tensor]:
    """Training features with A or B (a third each) hit by noise of a random std in [0, MAX_NOISE]."""
    gen = torch.Generator().manual_seed(10_000 + draw)
    n = train.y.shape[0]
    which = torch.randint(0, 3, (n, 1), generator=gen).to(train.y.device)
    std = (torch.rand(n, 1, generator=gen) * MAX_NOISE).to(train.y.device)
    dim = train.x["a"].shape[1]
    noise = {m: torch.randn(n, dim, generator=gen).to(train.y.device) * std for m in ("a", "b")}
    return {"a": train.x["a"] + noise["a"] * (which == 1), "b": train.x["b"] + noise["b"] * (which == 2)}


def build(config: Config, device: torch.device | None = None) -> GatingRun:
    device = device or get_device()
    draw = lambda n, s: make_two_modal(n, noise=config.noise, nuisance=NUISANCE, seed=s).to(device)  # noqa: E731
    train, test = draw(config.n_train, config.seed), draw(config.n_test, config.seed + 1)
    torch.manual_seed(config.seed)
    models = torch.nn.ModuleDict(
        {
            "a_only": torch.nn.Linear(2 + NUISANCE, CLASSES),
            "b_only": torch.nn.Linear(2 + NUISANCE, CLASSES),
            "naive": torch.nn.Linear(2 * (2 + NUISANCE), CLASSES),
            "gate": g.SoftGate(),
        }
    ).to(device)
    typicality = {m: g.Typicality.fit(train.x[m], train.y, CLASSES) for m in ("a", "b")}
    return GatingRun(config, train, test, models, typicality)


def gated_soft(run: GatingRun, data: Inputs, probs: dict[str, torch.Tensor], terms: g.Disagreement | None = None):
    terms = terms or g.disagreement(probs["a_only"], probs["b_only"])
    features = g.gate_features(terms, data.dist["a"], data.dist["b"])
    return run.models["gate"](features, probs["a_only"], probs["b_only"], probs["naive"])


def corrupted_test(run: GatingRun, view: Config) -> Inputs:
    """The test set with B corrupted as ``view`` says (its kind and level); kept, as no model is in it."""
    key = (view.kind, view.corruption)
    if key not in run.corrupted:
        test, seed = run.test, run.config.seed + 7
        if view.kind == "noise":
            b = corrupt_noise(test.x["b"], MAX_NOISE * view.corruption, seed=seed)
        else:
            b = corrupt_misleading(test, "b", view.corruption, seed=seed)
        run.corrupted[key] = inputs_of({"a": test.x["a"], "b": b}, run.typicality)
    return run.corrupted[key]


def predictions(run: GatingRun, view: Config) -> tuple[dict[str, torch.Tensor], dict]:
    """Predictive distributions of every method under ``view`` (corruption, kind, τ), and gate diagnostics;
    kept until the next training step (the page, its sweep and the trainer's evaluation ask for the same ones)."""
    key = (run.trainer.steps_done, view.kind, view.corruption, view.tau)
    if key not in run.seen:
        run.seen = {k: v for k, v in run.seen.items() if k[0] == key[0]}
        run.seen[key] = _predict(run, corrupted_test(run, view), view.tau)
    return run.seen[key]


def _predict(run: GatingRun, data: Inputs, tau: float) -> tuple[dict[str, torch.Tensor], dict]:
    with torch.no_grad():
        probs = expert_probs(run, data)
        atyp = {m: data.dist[m] / run.typicality[m].threshold_ for m in ("a", "b")}
        terms = g.disagreement(probs["a_only"], probs["b_only"])
        probs["rule_gate"], fused_open = g.rule_gate(probs["a_only"], probs["b_only"], atyp["a"], atyp["b"], tau, terms)
        probs["learned_gate"], weights = gated_soft(run, data, probs, terms)
        probs["entropy_gate"] = g.entropy_gate(probs["a_only"], probs["b_only"], probs["naive"], tau, terms)
    diagnostics = {
        "open_rate": float(fused_open.float().mean()),
        "js": terms.js,
        "gate_weights": weights.mean(0).tolist(),
    }
    return probs, diagnostics


def evaluate_at(run: GatingRun, view: Config) -> dict[str, float]:
    """Test accuracy of every method under ``view``."""
    probs, _ = predictions(run, view)
    y = run.test.y
    return {name: float((ops.argmax(probs[name]) == y).float().mean()) for name in METHODS}


def corruption_sweep(run: GatingRun, view: Config) -> dict[str, list[float]]:
    """Accuracy of every method, and the rule gate's open rate, at each level in ``LEVELS``."""
    rows = [predictions(run, replace(view, corruption=level)) for level in LEVELS]
    y = run.test.y
    sweep = {name: [float((ops.argmax(probs[name]) == y).float().mean()) for probs, _ in rows] for name in METHODS}
    sweep["open_rate"] = [diagnostics["open_rate"] for _, diagnostics in rows]
    return sweep


def tau_tradeoff(run: GatingRun, view: Config, taus: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)) -> dict:
    """Rule-gate accuracy on clean and on the most corrupted data, for each threshold τ."""
    at = lambda level, tau: evaluate_at(run, replace(view, corruption=level, tau=tau))["rule_gate"]  # noqa: E731
    return {"tau": list(taus), "clean": [at(0.0, t) for t in taus], "corrupted": [at(1.0, t) for t in taus]}


def disagreement(run: GatingRun, view: Config) -> dict[str, list[float]]:
    """JS divergences on clean test data and at the view's corruption."""
    return {
        "clean": predictions(run, replace(view, corruption=0.0))[1]["js"].cpu().tolist(),
        "corrupted": predictions(run, view)[1]["js"].cpu().tolist(),
    }


def metrics(run: GatingRun, config: Config) -> Metrics:
    """``accuracy.<method>`` under ``config``'s corruption, ``margin.<method>`` = accuracy − best single
    modality's, the rule gate's ``open_rate``, and ``chance.accuracy`` (the most frequent class's share)."""
    accuracy = evaluate_at(run, config)
    best = max(accuracy["a_only"], accuracy["b_only"])
    out = {f"accuracy.{k}": v for k, v in accuracy.items()}
    out.update({f"margin.{k}": v - best for k, v in accuracy.items()})
    out["open_rate"] = predictions(run, config)[1]["open_rate"]
    out["chance.accuracy"] = chance_accuracy(run.test.y)
    return out


LAB = Lab(
    entry=entry("gating"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most("margin.naive", -0.2, L_("noise std 8 on B: naive fusion falls ≥ 20 points below A alone")),
        at_least("margin.rule_gate", -0.02, L_("… the rule gate (JS + typicality) stays within 2 points of A alone")),
        at_least("margin.learned_gate", -0.02, L_("… and so does the learned gate")),
        at_most(
            "margin.entropy_gate", -0.2, L_("… while a gate that reads only entropy is fooled (≥ 20 points below)")
        ),
        at_most(
            "rule_gate_cost",
            0.01,
            L_("clean data: the rule gate costs ≤ 1 point against naive fusion"),
            settings={"corruption": 0.0},
            of=difference("accuracy.naive", "accuracy.rule_gate"),
        ),
        at_most(
            "learned_gate_cost",
            0.01,
            L_("clean data: the learned gate costs ≤ 1 point against naive fusion"),
            settings={"corruption": 0.0},
            of=difference("accuracy.naive", "accuracy.learned_gate"),
        ),
    ),
    default_speed=50,
)
