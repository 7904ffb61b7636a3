"""Gating lab (seed: 负迁移): fusing a corrupted modality drags accuracy below the clean one alone.

Trained on clean data: logistic regressions on A, on B, and on [A, B] (naive fusion). A soft gate
(:class:`mmplay.robust.gating.SoftGate`) learns, on training data whose A or B is randomly
corrupted (``AUGMENTED_COPIES`` copies drawn once, one per step in turn), how to weigh {A, B, fused}.
Each step takes a minibatch of ``batch`` items (drawn with replacement; all when it covers the set).
At test time B is corrupted: Gaussian noise of std ``8·C`` or, with probability C, features of another
class ("misleading").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

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
from mmplay.models.gating_loss import gating_losses
from mmplay.models.linear_bank import LinearBank
from mmplay.robust import gating as g
from mmplay.train import Trainer, adam, minibatch_rows

NUISANCE = 6  # pure-noise features appended to each modality: 8 features each
MAX_NOISE = 8.0  # corruption = 1 means noise std 8 on modality B (its clean features have std ≈ 1)
METHODS = ("a_only", "b_only", "naive", "rule_gate", "learned_gate", "entropy_gate")
LEVELS = tuple(i / 10 for i in range(11))
AUGMENTED_COPIES = 8  # corrupted copies of the training set, drawn once; the gate trains on them in turn
KIND_NAMES = {"noise": N_("noise"), "misleading": N_("misleading")}
T = TypeVar("T")


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
    """A split as the methods see it, items as columns (class-major, as the models take them): A's and B's
    features stacked (naive fusion's input) and each modality's squared Mahalanobis distance to the nearest class
    mean (no model in it: computed once)."""

    features: torch.Tensor  # (2D, N): A's D features, then B's
    distances: torch.Tensor  # (2, N): d²_A, d²_B
    log_dist: torch.Tensor  # (2, N): log1p d², the gate's features

    @property
    def x(self) -> dict[str, torch.Tensor]:
        """Each modality's features, one row per item (N, D)."""
        dim = self.features.shape[0] // 2
        return {"a": self.features[:dim].t(), "b": self.features[dim:].t()}


def inputs_of(x: dict[str, torch.Tensor], typicality: dict[str, g.Typicality]) -> Inputs:
    distances = torch.stack([typicality[m].distance(x[m]) for m in ("a", "b")])
    return Inputs(torch.cat([x["a"], x["b"]], 1).t().contiguous(), distances, torch.log1p(distances))


@dataclass
class GatingRun:
    config: Config
    train: TwoModalData
    test: TwoModalData
    models: torch.nn.ModuleDict  # "experts": a LinearBank of a_only, b_only, naive; "gate": a SoftGate
    typicality: dict[str, g.Typicality]
    trainer: Trainer = field(init=False)
    clean: Inputs = field(init=False)  # the training set
    noisy: list[Inputs] = field(init=False)  # AUGMENTED_COPIES corrupted training sets, one per step in turn
    corrupted: dict[tuple[str, float], Inputs] = field(init=False, default_factory=dict)  # test sets by (kind, level)
    swept: dict[str, Inputs] = field(init=False, default_factory=dict)  # by kind: the test sets at LEVELS, side by side
    seen: dict[tuple, tuple] = field(init=False, default_factory=dict)  # predictions at this step, by view

    def __post_init__(self) -> None:
        models, train = self.models, self.train
        self.clean = inputs_of(train.x, self.typicality)
        self.noisy = [inputs_of(augmented(train, i), self.typicality) for i in range(AUGMENTED_COPIES)]

        gen = torch.Generator().manual_seed(self.config.seed + 3)
        n, width = train.y.shape[0], self.clean.features.shape[0]
        onehot = F.one_hot(train.y, CLASSES).t().to(self.clean.features.dtype)
        tables = [torch.cat([self.clean.features, copy.features, copy.log_dist, onehot]) for copy in self.noisy]

        def objective(step: int) -> dict[str, torch.Tensor]:
            """The experts' cross-entropies on a clean minibatch and the gate's NLL on the same items of this
            step's noisy copy; gradients in closed form (:mod:`mmplay.models.gating_loss`)."""
            idx = minibatch_rows(n, self.config.batch, gen, train.y.device)
            table = tables[step % AUGMENTED_COPIES]
            cols = table if idx is None else table.index_select(1, idx)  # clean x, noisy x, log1p d², onehot(y)
            clean, noisy, log_dist = cols[:width], cols[width : 2 * width], cols[2 * width : 2 * width + 2]
            return gating_losses(models["experts"], models["gate"], clean, noisy, log_dist, cols[2 * width + 2 :])

        optimizer = adam(models.parameters(), lr=self.config.lr)
        evaluate = lambda: {f"accuracy.{k}": v for k, v in evaluate_at(self, self.config).items()}  # noqa: E731
        self.trainer = Trainer(objective, optimizer, evaluate=evaluate)
        self.trainer.step(0)


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
    dim = 2 + NUISANCE
    a_only, b_only, naive = (torch.nn.Linear(d, CLASSES) for d in (dim, dim, 2 * dim))
    experts = LinearBank([a_only, b_only, naive], [slice(0, dim), slice(dim, 2 * dim), slice(0, 2 * dim)], 2 * dim)
    models = torch.nn.ModuleDict({"experts": experts, "gate": g.SoftGate()}).to(device)
    typicality = {m: g.Typicality.fit(train.x[m], train.y, CLASSES) for m in ("a", "b")}
    return GatingRun(config, train, test, models, typicality)


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


def swept_test(run: GatingRun, kind: str) -> Inputs:
    """The test sets at every level in ``LEVELS`` (B corrupted by ``kind``), side by side; kept."""
    if kind not in run.swept:
        parts = [corrupted_test(run, Config(kind=kind, corruption=level)) for level in LEVELS]
        run.swept[kind] = Inputs(
            *(torch.cat([getattr(p, f) for p in parts], 1) for f in ("features", "distances", "log_dist"))
        )
    return run.swept[kind]


def _kept(run: GatingRun, view: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` for ``view``, kept until the next training step (the page, its sweep and the trainer's
    evaluation ask for the same ones)."""
    key = (run.trainer.steps_done, *view)
    if key not in run.seen:
        run.seen = {k: v for k, v in run.seen.items() if k[0] == key[0]}
        run.seen[key] = compute()
    return run.seen[key]


def predictions(run: GatingRun, view: Config) -> tuple[dict[str, torch.Tensor], dict]:
    """Predictive distributions (C, N) of every method under ``view`` (corruption, kind, τ), and the rule gate's
    per-item ``fused_open`` and ``js`` (N,)."""
    view_key = (view.kind, view.corruption, view.tau)
    return _kept(run, view_key, lambda: _predict(run, corrupted_test(run, view), view.tau))


def _predict(run: GatingRun, data: Inputs, tau: float) -> tuple[dict[str, torch.Tensor], dict]:
    with torch.no_grad():
        p_a, p_b, p_fused = run.models["experts"](data.features).softmax(1).unbind()  # (C, N) each
        probs = {"a_only": p_a, "b_only": p_b, "naive": p_fused}
        atyp_a, atyp_b = (data.distances[i] / run.typicality[m].threshold_ for i, m in enumerate(("a", "b")))
        terms = g.disagreement(p_a, p_b, dim=-2)
        probs["rule_gate"], fused_open = g.rule_gate(p_a, p_b, atyp_a, atyp_b, tau, terms, dim=-2)
        probs["learned_gate"], _ = run.models["gate"](g.gate_features(terms, data.log_dist), p_a, p_b, p_fused)
        probs["entropy_gate"] = g.entropy_gate(p_a, p_b, p_fused, tau, terms, dim=-2)
    return probs, {"fused_open": fused_open.float(), "js": terms.js}


def accuracy(probs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Share of items whose most probable class (the first on ties) is ``y`` (N,), for each block of N columns
    of ``probs`` (C, L·N): (L,)."""
    return (ops.argmax(probs.t()).view(-1, y.shape[0]) == y).float().mean(1)


def evaluate_at(run: GatingRun, view: Config) -> dict[str, float]:
    """Test accuracy of every method under ``view``."""
    probs, _ = predictions(run, view)
    return {name: float(accuracy(probs[name], run.test.y)) for name in METHODS}


def first_argmax(x: torch.Tensor) -> torch.Tensor:
    """Index of the largest entry along the leading (class) dimension, the first on ties (``torch.argmax``'s), as
    floats: ``i_c = i_{c−1} + [x_c > max_{c′<c} x_{c′}] · (c − i_{c−1})``, ``i_0 = 0`` (a few elementwise passes
    over the short class axis: torch's argmax over a leading dimension is slow on CPU)."""
    best, index = x[0], torch.zeros_like(x[0])
    for c in range(1, x.shape[0]):
        index = index + (x[c] > best).to(x.dtype) * (c - index)
        best = torch.maximum(best, x[c])
    return index


def _swept_classes(run: GatingRun, kind: str, tau: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Every method's predicted class (M, L, N), as floats, and the rule gate's ``fused_open`` (L, N) at every level
    in ``LEVELS``: :func:`_predict`'s rules (:mod:`mmplay.robust.gating`), keeping only the winning class.

    Only B is corrupted, so A's side (``p_a``, ``H(p_a)``, its tempered vote ``log p_a / max(1, r_a)``, ``r_a``) is
    computed once on the N test items and broadcast over the levels. A gate that picks one modality's prediction
    per item picks its class; the rule gate's fused path takes ``argmax (log p_a / max(1, r_a) + log p_b /
    max(1, r_b))`` (its softmax keeps the winner); choices are float arithmetic, ``c₀ + m (c₁ − c₀)`` for a 0/1 ``m``.
    """
    data = swept_test(run, kind)
    n, levels = run.test.y.shape[0], len(LEVELS)
    with torch.no_grad():
        logits = run.models["experts"](data.features)  # (3, C, L·N)
        p_a = logits[0, :, :n].softmax(0).unsqueeze(1)  # (C, 1, N): A is the same at every level
        p_b, p_fused = (p.view(-1, levels, n) for p in logits[1:].softmax(1).unbind())  # (C, L, N)
        log_a, log_b = (torch.log(p.clamp_min(1e-12)) for p in (p_a, p_b))
        h_a, h_b = -(p_a * log_a).sum(0), -(p_b * log_b).sum(0)  # (1, N), (L, N)
        js = (g.entropy((p_a + p_b) / 2, 0) - 0.5 * (h_a + h_b)).clamp_min(0)
        distances = data.distances.view(2, levels, n)
        atyp_a, atyp_b = (
            distances[0, :1] / run.typicality["a"].threshold_,
            distances[1] / run.typicality["b"].threshold_,
        )
        class_a, class_b, class_fused = first_argmax(p_a), first_argmax(p_b), first_argmax(p_fused)
        disagree = (js > tau).float()
        close = disagree * ((atyp_a > 1) | (atyp_b > 1)).float()
        trusted = class_b + (atyp_b > atyp_a).float() * (class_a - class_b)
        tempered = first_argmax(log_a / atyp_a.clamp_min(1.0) + log_b / atyp_b.clamp_min(1.0))
        features = torch.cat([torch.stack([h_a.expand(levels, n), h_b, js]).flatten(1), data.log_dist])
        learned = first_argmax(run.models["gate"](features, p_a, p_b, p_fused)[0])
        confident = class_b + (h_a <= h_b).float() * (class_a - class_b)
        classes = torch.stack(
            [
                class_a.expand(levels, n),
                class_b,
                class_fused,
                tempered + close * (trusted - tempered),
                learned,
                class_fused + disagree * (confident - class_fused),
            ]
        )
    return classes, 1 - close


def corruption_sweep(run: GatingRun, view: Config) -> dict[str, list[float]]:
    """Accuracy of every method, and the rule gate's open rate, at each level in ``LEVELS`` (one pass over the test
    sets at every level side by side, :func:`_swept_classes`; kept for the step, as :func:`predictions` are)."""

    def sweep() -> dict[str, list[float]]:
        classes, fused_open = _swept_classes(run, view.kind, view.tau)
        hits = (classes == run.test.y).float().mean(-1)  # (M, L)
        return {**dict(zip(METHODS, hits.tolist())), "open_rate": fused_open.mean(-1).tolist()}

    return _kept(run, ("sweep", view.kind, view.tau), sweep)


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
    out["open_rate"] = float(predictions(run, config)[1]["fused_open"].mean())
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
