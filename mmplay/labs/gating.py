"""Gating lab (seed: 负迁移): fusing a corrupted modality drags accuracy below the clean one alone.

Trained on clean data: logistic regressions on A, on B, and on [A, B] (naive fusion). A soft gate
(:class:`mmplay.robust.gating.SoftGate`) learns, on training data whose A or B is randomly
corrupted (``AUGMENTED_COPIES`` copies drawn once, one per step in turn), how to weigh {A, B, fused}.
Each step takes a minibatch of ``batch`` items (drawn with replacement; all when it covers the set). The steps
come in blocks of ``⌊BLOCK_ITEMS / batch⌋`` (10 at the defaults), aligned on the step count: a block's minibatches
are drawn at once, and the gate learns from the experts' predictions as they were at its block's start (at most
9 steps old at the defaults; the experts change little in that time), computed for the whole block in one pass.
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
from mmplay.models.gating_loss import gate_inputs, gating_losses
from mmplay.models.linear_bank import LinearBank
from mmplay.robust import gating as g
from mmplay.train import Trainer, adam

NUISANCE = 6  # pure-noise features appended to each modality: 8 features each
MAX_NOISE = 8.0  # corruption = 1 means noise std 8 on modality B (its clean features have std ≈ 1)
METHODS = ("a_only", "b_only", "naive", "rule_gate", "learned_gate", "entropy_gate")
LEVELS = tuple(i / 10 for i in range(11))
AUGMENTED_COPIES = 8  # corrupted copies of the training set, drawn once; the gate trains on them in turn
BLOCK_ITEMS = 5_000  # the minibatches of ⌊this / batch⌋ steps are drawn, and the gate's inputs computed, at once
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
    scratch: dict[str, torch.Tensor] = field(init=False, default_factory=dict)  # the sweep's largest buffers (reused)
    drawn: set[tuple[str, float]] = field(init=False, default_factory=set)  # (kind, τ) of every sweep drawn

    def __post_init__(self) -> None:
        models, train = self.models, self.train
        self.clean = inputs_of(train.x, self.typicality)
        self.noisy = [inputs_of(augmented(train, i), self.typicality) for i in range(AUGMENTED_COPIES)]

        gen = torch.Generator().manual_seed(self.config.seed + 3)
        n, width, device = train.y.shape[0], self.clean.features.shape[0], train.y.device
        batch = min(n, self.config.batch)
        block = max(1, BLOCK_ITEMS // batch)
        onehot = F.one_hot(train.y, CLASSES).t().to(self.clean.features.dtype)
        labelled = torch.cat([self.clean.features, onehot]).t().contiguous()  # item-major: clean x, Y
        copies = torch.cat([torch.cat([c.features, c.log_dist]).t() for c in self.noisy])  # copy k: rows k·n …
        pending: list[tuple[torch.Tensor, ...]] = []  # the drawn block's steps still to take, the next one last
        experts, gate = models["experts"], models["gate"]

        def draw_block(start: int) -> list[tuple[torch.Tensor, ...]]:
            """The next ``block`` steps' minibatches (step s: ``batch`` items of noisy copy ``s mod AUGMENTED_COPIES``,
            drawn with replacement as one draw per step would be) gathered at once, and the gate's inputs for all of
            them (:func:`~mmplay.models.gating_loss.gate_inputs`) under the experts as they are at the block's start.
            Per step: clean x (D, B), −Y/B (C, B), the gate's features (5, B) and the experts' ``q_k`` (3, B). The
            tables are item-major, so a minibatch gathers whole rows (a column gather was one cache miss per number),
            and the clean features are kept once, not in every copy (a smaller table to gather from)."""
            every = torch.arange(n).expand(block, n)
            idx = torch.randint(0, n, (block, batch), generator=gen) if batch < n else every
            offsets = torch.arange(start, start + block).remainder_(AUGMENTED_COPIES).mul_(n).unsqueeze(1)
            clean, labels = labelled.index_select(0, idx.reshape(-1).to(device)).t().split([width, CLASSES])
            noisy, log_dist = copies.index_select(0, (idx + offsets).view(-1).to(device)).t().split([width, 2])
            features, chosen = gate_inputs(experts, noisy, log_dist, labels)
            neg_share = labels / -batch
            steps = zip(*(part.split(batch, 1) for part in (clean, neg_share, features, chosen)))
            return list(steps)[::-1]

        def objective(step: int) -> dict[str, torch.Tensor]:
            """The experts' cross-entropies on a clean minibatch and the gate's NLL on the same items of this
            step's noisy copy; gradients in closed form (:mod:`mmplay.models.gating_loss`)."""
            if not pending:
                pending.extend(draw_block(step))
            return gating_losses(experts, gate, *pending.pop())

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
    return hit_rate(ops.argmax(probs.t()).view(-1, y.shape[0]), y)


def hit_rate(classes: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``count[class = y] / N`` over the last dimension of ``classes`` (…, N), in the default float type (one
    formula for :func:`accuracy` and the sweep, whose values must be equal)."""
    return (classes == y).sum(-1) / y.shape[0]


def evaluate_at(run: GatingRun, view: Config) -> dict[str, float]:
    """Test accuracy of every method under ``view`` (:func:`scores`)."""
    return {name: value for name, value in scores(run, view).items() if name in METHODS}


def scores(run: GatingRun, view: Config) -> dict[str, float]:
    """Test accuracy of every method under ``view`` and the rule gate's ``open_rate`` (the share of items it fuses),
    kept for the step: the trainer's evaluation, the page and the claims ask for the same ones. At a level in
    ``LEVELS``, once a sweep of the view's kind and τ has been drawn (a playing page draws it every tick), they are
    read off this step's :func:`corruption_sweep` (equal values); otherwise they come from :func:`predictions`."""

    def score() -> dict[str, float]:
        if view.corruption in LEVELS and (view.kind, view.tau) in run.drawn:
            level = LEVELS.index(view.corruption)
            return {name: values[level] for name, values in corruption_sweep(run, view).items()}
        probs, extra = predictions(run, view)
        accuracies = {name: float(accuracy(probs[name], run.test.y)) for name in METHODS}
        return {**accuracies, "open_rate": float(extra["fused_open"].mean())}

    return _kept(run, ("scores", view.kind, view.corruption, view.tau), score)


def first_argmax(x: torch.Tensor) -> torch.Tensor:
    """Index of the largest entry along the leading (class) dimension, the first on ties (``torch.argmax``'s), as
    floats: ``i_c = i_{c−1} + [x_c − m_{c−1} > 0] · (c − i_{c−1})`` with ``m_c = max_{c′≤c} x_{c′}``, ``i_0 = 0``
    (for finite floats ``x_c − m > 0`` exactly when ``x_c > m``). ``[d > 0] · v`` is one ``threshold_backward(v, d,
    0)``; a few elementwise passes over the short class axis: torch's argmax over a leading dimension is slow on CPU.
    """
    best, index = x[0], torch.zeros_like(x[0])
    for c in range(1, x.shape[0]):
        index = index + _where_positive(c - index, x[c] - best)
        if c + 1 < x.shape[0]:
            best = torch.maximum(best, x[c])
    return index


def _scratch(run: GatingRun, name: str) -> torch.Tensor:
    """A tensor kept in the run for the sweep's largest intermediate ``name`` (resized by the ``out=`` that fills
    it): a fresh one of a few megabytes each tick costs more in page faults (≈ 2 µs per 4 kB page, on every tick
    once the allocator has handed the memory back) than its arithmetic."""
    return run.scratch.setdefault(name, run.test.x["a"].new_empty(0))


def _where_positive(value: torch.Tensor, sign: torch.Tensor) -> torch.Tensor:
    """``value · [sign > 0]``, one operation (no boolean tensor)."""
    return torch.ops.aten.threshold_backward(value, sign, 0)


def _swept_classes(run: GatingRun, kind: str, tau: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every method's predicted class, as floats: A alone's (N,), the same at every level, and the others' (M − 1, L,
    N) in ``METHODS`` order; and the rule gate's ``fused_open`` (L, N) at every level in ``LEVELS``: :func:`_predict`'s
    rules (:mod:`mmplay.robust.gating`), keeping only the winning class.

    Only B is corrupted, so A's side (``p_a``, ``H(p_a)``, its tempered vote ``log p_a / max(1, r_a)``, ``r_a``) is
    computed once on the N test items and broadcast over the levels. A gate that picks one modality's prediction
    per item picks its class; the rule gate's fused path takes ``argmax (log p_a / max(1, r_a) + log p_b /
    max(1, r_b))`` (its softmax keeps the winner). Choices are float arithmetic, ``c₀ + [d > 0] (c₁ − c₀)`` (see
    :func:`first_argmax`): the rule gate closes where ``JS − τ > 0`` and ``max(r_a, r_b) − 1 > 0``, trusts A where
    ``r_b − r_a > 0``; the entropy rule trusts B where ``H(p_a) − H(p_b) > 0``. The large intermediates (C, L, N)
    and over L·N items go to buffers kept in the run (:func:`_scratch`) or in place, where :func:`_predict` has the
    same arithmetic out of place (equal values).
    """
    data = swept_test(run, kind)
    n, levels = run.test.y.shape[0], len(LEVELS)
    with torch.no_grad():
        p_a = run.models["experts"](data.features[:, :n])[0].softmax(0).unsqueeze(1)  # (C, 1, N): A's at every level
        pair = run.models["experts"](data.features, out=_scratch(run, "logits"), first=1)  # B's, fused (2, C, L·N)
        pair = torch.ops.aten._softmax.out(pair, 1, False, out=_scratch(run, "pair"))
        p_b, p_fused = (p.view(-1, levels, n) for p in pair.unbind())  # (C, L, N)
        work = [_scratch(run, f"work.{i}") for i in range(3)]  # (C, L, N) each, reused below
        log_a, log_b = p_a.clamp_min(1e-12).log_(), torch.clamp_min(p_b, 1e-12, out=work[0]).log_()
        h_a, h_b = -(p_a * log_a).sum(0), torch.mul(p_b, log_b, out=work[1]).sum(0).neg_()  # (1, N), (L, N)
        mean = torch.add(p_a, p_b, out=work[1]).div_(2)
        h_mean = torch.clamp_min(mean, 1e-12, out=work[2]).log_().mul_(mean).sum(0).neg_()
        js = (h_mean - 0.5 * (h_a + h_b)).clamp_min_(0)
        distances = data.distances.view(2, levels, n)
        atyp_a, atyp_b = (
            distances[0, :1] / run.typicality["a"].threshold_,
            distances[1] / run.typicality["b"].threshold_,
        )
        class_a, class_b, class_fused = first_argmax(p_a), first_argmax(p_b), first_argmax(p_fused)
        tempered = first_argmax(log_b.div_(atyp_b.clamp_min(1.0)).add_(log_a / atyp_a.clamp_min(1.0)))
        per_item = [h_a.expand(levels, n).reshape(1, -1), h_b.view(1, -1), js.view(1, -1), data.log_dist]
        features = torch.cat(per_item, out=_scratch(run, "features"))  # the gate's (5, L·N)
        gates = run.models["gate"].hidden_and_logits(features, out=_scratch(run, "hidden"))[1].softmax(0)
        gates = gates.view(3, levels, n)
        mixed = torch.mul(gates[:1], p_a, out=work[0]).add_(torch.mul(gates[1:2], p_b, out=work[1]))
        learned = first_argmax(mixed.add_(torch.mul(gates[2:], p_fused, out=work[1])))
        above = js - tau  # > 0: the modalities disagree
        close = _where_positive(_where_positive(torch.ones_like(js), above), torch.maximum(atyp_a, atyp_b) - 1)
        trusted = class_b + _where_positive(class_a - class_b, atyp_b - atyp_a)
        confident = class_a + _where_positive(class_b - class_a, h_a - h_b)
        classes = torch.stack(
            [
                class_b,
                class_fused,
                tempered + close * (trusted - tempered),
                learned,
                class_fused + _where_positive(confident - class_fused, above),
            ]
        )
    return class_a.squeeze(0), classes, 1 - close


def corruption_sweep(run: GatingRun, view: Config) -> dict[str, list[float]]:
    """Accuracy of every method, and the rule gate's open rate, at each level in ``LEVELS`` (one pass over the test
    sets at every level side by side, :func:`_swept_classes`; kept for the step, as :func:`predictions` are)."""

    def sweep() -> dict[str, list[float]]:
        class_a, classes, fused_open = _swept_classes(run, view.kind, view.tau)
        hits = hit_rate(classes, run.test.y).tolist()  # (M − 1, L)
        a_only = [float(hit_rate(class_a, run.test.y))] * len(LEVELS)
        return {**dict(zip(METHODS, [a_only, *hits])), "open_rate": fused_open.mean(-1).tolist()}

    run.drawn.add((view.kind, view.tau))
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
    out["open_rate"] = scores(run, config)["open_rate"]
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
