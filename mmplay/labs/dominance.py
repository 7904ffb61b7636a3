"""Dominance lab (seed: 模态优势): the easy modality's gradients drown the hard one's.

Two MLP encoders and a linear concat head, ``logits = W_a φ_a + W_b φ_b + b``, trained jointly with
SGD (momentum 0.9) on cross-entropy. Modality A is easy (linear); B needs an XOR-reading encoder.
Once A fits, the loss — and with it B's gradient — vanishes, and B's encoder under-learns. Methods
(see :mod:`mmplay.robust.balance`): none, OGM, OGM-GE, gradient-norm equalisation, adaptive loss
weights on unimodal auxiliary heads ``w_u ∝ L_u(t) / L_u(0)`` (the slower learner weighs more).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from mmplay import ops
from mmplay.config import KnobConflict, knob
from mmplay.data.imbalanced import ImbalancedData, make_imbalanced
from mmplay.device import get_device
from mmplay.i18n import L_, N_, _
from mmplay.labs import entry
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, at_least, at_most, difference, no_progress
from mmplay.metrics import chance_accuracy
from mmplay.models.concat_grads import concat_losses
from mmplay.optim import SGD
from mmplay.probe import fit_logistic
from mmplay.probe import probe_accuracy as linear_probe_accuracy
from mmplay.robust import balance
from mmplay.train import Trainer

METHODS = ("none", "ogm", "ogm_ge", "grad_norm", "loss_weights")
OGM = ("ogm", "ogm_ge")  # the methods with a strength α
MODULATING = ("ogm", "ogm_ge", "grad_norm")  # the methods that act between modulation_start and modulation_stop
HIDDEN = 16
AUTO_CEILING_SAMPLES = 200_000  # steps × batch up to which the page trains the ceilings unasked (≈ 5 s)
CEILING_CHUNK = 50  # ceilings train in chunks of this many steps between progress reports


@dataclass(frozen=True)
class Config:
    method: str = knob("none", choices=METHODS, help=N_("how to rebalance the two modalities"))
    alpha: float = knob(
        2.0, lo=0.0, hi=5.0, step=0.1, help=N_("OGM strength α in k = 1 − tanh(α·ρ)"), only_if=("method", OGM)
    )
    modulation_start: int = knob(
        0, lo=0, hi=5000, help=N_("first step with modulation"), only_if=("method", MODULATING)
    )
    modulation_stop: int = knob(
        10_000, lo=0, hi=10_000, help=N_("step after which modulation stops"), only_if=("method", MODULATING)
    )
    imbalance: float = knob(3.0, lo=0.5, hi=4.0, step=0.1, help=N_("margin of modality A: how much easier A is"))
    noise_b: float = knob(0.6, lo=0.1, hi=1.5, help=N_("noise on B's XOR code"))
    n_train: int = knob(1000, lo=200, hi=20000, help=N_("training items"))
    n_test: int = knob(2000, lo=200, hi=20000, help=N_("test items"))
    lr: float = knob(0.05, lo=0.001, hi=0.5, help=N_("SGD learning rate (momentum 0.9)"), log=True)
    batch: int = knob(64, lo=8, hi=1024, help=N_("minibatch size"))
    steps: int = knob(800, lo=1, hi=10_000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data, batches and initial weights"))

    def __post_init__(self) -> None:
        if self.modulation_start > self.modulation_stop:
            raise KnobConflict(
                _(
                    "modulation_start={start} is after modulation_stop={stop}",
                    start=self.modulation_start,
                    stop=self.modulation_stop,
                ),
                ("modulation_start", "modulation_stop"),
            )


def encoder(in_dim: int) -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(in_dim, 32), torch.nn.ReLU(), torch.nn.Linear(32, HIDDEN), torch.nn.ReLU()
    )


TRACES = ("grad_a", "grad_b", "rho", "k_a", "k_b", "w_a", "w_b")


class KeptStep(NamedTuple):
    """What a step's gradient norms and contribution scores are computed from, kept until :meth:`settle_trace`."""

    grads: list[torch.Tensor]  # encoder A's gradients, then encoder B's
    in_a: int  # how many of them are A's
    head: torch.Tensor  # the fused head's [W | b] (C, 2H + 1) at this step
    batch: dict[str, torch.Tensor]  # this step's features φ_a, φ_b and one-hot targets


@dataclass
class DominanceRun:
    config: Config
    train: ImbalancedData
    test: ImbalancedData
    models: torch.nn.ModuleDict
    trace: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in TRACES})  # per step
    probes: dict[str, torch.Tensor] = field(default_factory=dict)  # each encoder's last probe β = [w; b]
    trainer: Trainer = field(init=False)
    batch: dict[str, torch.Tensor] = field(init=False, default_factory=dict)  # this step's features and targets
    first_aux: dict[str, float] | None = field(init=False, default=None)  # unimodal losses at the first step
    pending: list[KeptStep] = field(init=False, default_factory=list)  # steps not yet in ``trace`` (settle_trace)

    def __post_init__(self) -> None:
        seed = self.config.seed
        self.batch_gen = torch.Generator().manual_seed(seed + 5)
        self.noise_gen = torch.Generator().manual_seed(seed + 6)
        x_a, x_b = self.train.x["a"], self.train.x["b"]
        self.rows = torch.cat([x_a, x_b, F.one_hot(self.train.y, 2).to(x_a.dtype)], 1)  # one gather a step
        self.encoders = {u: list(self.models[f"enc_{u}"].parameters()) for u in ("a", "b")}
        optimizer = SGD(self.models.parameters(), lr=self.config.lr, momentum=0.9)
        self.trainer = Trainer(self.objective, optimizer, evaluate=lambda: evaluate(self), grad_hooks=[self.modulate])
        self.trainer.step(0)

    def objective(self, step: int) -> dict[str, torch.Tensor]:
        """Cross-entropy of the fused head; with ``loss_weights``, plus weighted unimodal auxiliary losses. The
        gradients are written in closed form (:mod:`mmplay.models.concat_grads`)."""
        config, train = self.config, self.train
        idx = torch.randint(0, config.n_train, (config.batch,), generator=self.batch_gen).to(train.y.device)
        picked = self.rows.index_select(0, idx)
        width = train.x["a"].shape[1]
        x = {"a": picked[:, :width], "b": picked[:, width:-2]}
        onehot = picked[:, -2:]
        weigh = self.aux_weights if config.method == "loss_weights" else None
        losses, phi = concat_losses(self.models, x, onehot, weigh)
        self.batch = {"phi_a": phi["a"], "phi_b": phi["b"], "onehot": onehot}
        return losses

    def aux_weights(self, aux: dict[str, float]) -> dict[str, float]:
        """``w_u = 2 r_u / Σ_v r_v`` with ``r_u = L_u(t) / L_u(0)``, how much of its loss is left: the slower
        learner weighs more."""
        self.first_aux = self.first_aux or dict(aux)
        left = {u: aux[u] / self.first_aux[u] for u in aux}
        weights = {u: 2 * left[u] / sum(left.values()) for u in aux}
        for u, weight in weights.items():
            self.trace[f"w_{u}"].append(weight)
        return weights

    def modulate(self, step: int) -> None:
        """Record gradient norms and ρ; rescale the encoders' gradients as the method says. A step whose method
        does not act on them (none, loss weights, or outside the modulation window) only keeps what they are
        computed from (:meth:`settle_trace` computes them for many steps at once)."""
        config, enc = self.config, self.encoders
        active = config.modulation_start <= step < config.modulation_stop
        if config.method not in MODULATING or not active:
            head = self.models["head"]
            grads = {u: [p.grad for p in enc[u] if p.grad is not None] for u in ("a", "b")}
            weights = torch.cat([head.weight.detach(), head.bias.detach().unsqueeze(1)], 1)  # as they are now
            self.pending.append(KeptStep(grads["a"] + grads["b"], len(grads["a"]), weights, self.batch))
            return
        self.settle_trace()
        batch, head = self.batch, self.models["head"]
        norm_a, norm_b = balance.grad_norms([enc["a"], enc["b"]])
        self.trace["grad_a"].append(norm_a)
        self.trace["grad_b"].append(norm_b)
        weight, bias = head.weight.detach(), head.bias.detach()
        s_a, s_b = balance.contribution_scores(
            [batch["phi_a"], batch["phi_b"]], [weight[:, :HIDDEN], weight[:, HIDDEN:]], bias, batch["onehot"]
        )
        rho = s_a / max(s_b, 1e-8)
        self.trace["rho"].append(rho)
        if config.method in OGM:
            k = {"a": balance.ogm_coefficient(rho, config.alpha), "b": balance.ogm_coefficient(1 / rho, config.alpha)}
            for u in ("a", "b"):
                balance.modulate_grads(enc[u], k[u], self.noise_gen, noise=config.method == "ogm_ge")
        else:
            balance.equalise_grad_norms(enc)
            k = {"a": 1.0, "b": 1.0}
        self.trace["k_a"].append(k["a"])
        self.trace["k_b"].append(k["b"])

    def settle_trace(self) -> dict[str, list[float]]:
        """``trace`` with the kept steps' gradient norms, ρ and k = 1 appended in order: every norm of every kept
        step from one ``_foreach_norm``, every contribution score ``s_u`` from one batched pass
        (:func:`~mmplay.robust.balance.score_sums`), the same numbers a step at a time would give."""
        if not self.pending:
            return self.trace
        steps, self.pending = self.pending, []
        squares = torch.stack(torch._foreach_norm([g for kept in steps for g in kept.grads])).square()
        squares = squares.double().view(len(steps), -1)  # summed in double, as Python sums the floats
        in_a = steps[0].in_a
        grad_a, grad_b = (part.sum(1).sqrt().tolist() for part in (squares[:, :in_a], squares[:, in_a:]))
        heads = torch.stack([kept.head for kept in steps])  # (S, C, 2H + 1)
        scores = balance.score_sums(
            torch.stack([kept.batch[f"phi_{u}"] for kept in steps for u in ("a", "b")]),  # (2S, B, H)
            torch.stack([heads[..., :HIDDEN], heads[..., HIDDEN:-1]], 1).flatten(0, 1),  # (2S, C, H)
            (heads[..., -1:] / 2).transpose(1, 2).repeat_interleave(2, 0),  # b/2 (2S, 1, C)
            torch.stack([kept.batch["onehot"] for kept in steps]).repeat_interleave(2, 0),  # (2S, B, C)
        )
        for (s_a, s_b), norm_a, norm_b in zip(scores.view(-1, 2).tolist(), grad_a, grad_b):
            self.trace["grad_a"].append(norm_a)
            self.trace["grad_b"].append(norm_b)
            self.trace["rho"].append(s_a / max(s_b, 1e-8))
            self.trace["k_a"].append(1.0)
            self.trace["k_b"].append(1.0)
        return self.trace


def draw(config: Config, n: int, seed: int) -> ImbalancedData:
    return make_imbalanced(n, margin_a=config.imbalance, noise_b=config.noise_b, seed=seed)


def build(config: Config, device: torch.device | None = None) -> DominanceRun:
    device = device or get_device()
    train, test = draw(config, config.n_train, config.seed), draw(config, config.n_test, config.seed + 1)
    torch.manual_seed(config.seed)
    models = torch.nn.ModuleDict(
        {
            "enc_a": encoder(train.x["a"].shape[1]),
            "enc_b": encoder(train.x["b"].shape[1]),
            "head": torch.nn.Linear(2 * HIDDEN, 2),
            "aux_a": torch.nn.Linear(HIDDEN, 2),
            "aux_b": torch.nn.Linear(HIDDEN, 2),
        }
    ).to(device)
    return DominanceRun(config, train.to(device), test.to(device), models)


def probe_accuracy(run: DominanceRun, modality: str, test_phi: torch.Tensor) -> float:
    """Test accuracy of a logistic-regression probe (L2, C = 1) on the frozen encoder's features (the test items'
    ``test_phi``), refitted from the last evaluation's probe (the same optimum, a few Newton steps)."""
    with torch.no_grad():
        train_phi = run.models[f"enc_{modality}"](run.train.x[modality])
    run.probes[modality] = fit_logistic(train_phi, run.train.y, init=run.probes.get(modality))
    return linear_probe_accuracy(run.probes[modality], test_phi, run.test.y)


def fused_accuracy(run: DominanceRun, phi_a: torch.Tensor, phi_b: torch.Tensor) -> float:
    """Test accuracy of the fused head on the test items' features ``φ_a``, ``φ_b``."""
    with torch.no_grad():
        return float((run.models["head"](torch.cat([phi_a, phi_b], 1)).argmax(1) == run.test.y).float().mean())


def evaluate(run: DominanceRun) -> Metrics:
    """Probe accuracy of each encoder, fused accuracy with and without A (its input blanked to zeros), and the mean
    ‖∇A‖/‖∇B‖; each encoder sees the test items once.

    Before any step there are no gradients, so no ratio (the key is left out rather than NaN).
    """
    x = run.test.x
    with torch.no_grad():
        phi = {u: run.models[f"enc_{u}"](x[u]) for u in ("a", "b")}
        blank_a = run.models["enc_a"](torch.zeros_like(x["a"]))
    out = {
        "probe_accuracy.a": probe_accuracy(run, "a", phi["a"]),
        "probe_accuracy.b": probe_accuracy(run, "b", phi["b"]),
        "fused_accuracy": fused_accuracy(run, phi["a"], phi["b"]),
        "accuracy_without_a": fused_accuracy(run, blank_a, phi["b"]),
    }
    trace = run.settle_trace()
    ga, gb = trace["grad_a"], trace["grad_b"]
    if ga:
        out["grad_norm_ratio"] = float(np.mean(np.array(ga) / np.maximum(np.array(gb), 1e-12)))
    return out


def ceilings(config: Config, _run: object = None, progress: Progress = no_progress) -> dict[str, float]:
    """Test accuracy of each modality trained alone (its encoder and a linear head, same budget)."""
    device = get_device()
    train, test = draw(config, config.n_train, config.seed).to(device), draw(config, config.n_test, config.seed + 1)
    out = {}
    for i, u in enumerate(("a", "b")):
        torch.manual_seed(config.seed)
        model = torch.nn.Sequential(encoder(train.x[u].shape[1]), torch.nn.Linear(HIDDEN, 2)).to(device)
        opt = SGD(model.parameters(), lr=config.lr, momentum=0.9)
        gen = torch.Generator().manual_seed(config.seed + 5)

        def objective(_: int, model=model, gen=gen, u=u) -> dict[str, torch.Tensor]:
            idx = torch.randint(0, config.n_train, (config.batch,), generator=gen).to(device)
            return {"ce": ops.cross_entropy(model(train.x[u][idx]), train.y[idx])}

        trainer = Trainer(objective, opt)
        while trainer.steps_done < config.steps:
            trainer.step(min(CEILING_CHUNK, config.steps - trainer.steps_done))
            progress((i + trainer.steps_done / config.steps) / 2)
        with torch.no_grad():
            out[u] = float((model(test.x[u]).argmax(1) == test.y).float().mean())
    return out


def starvation(modality: str) -> Callable[[Metrics], float]:
    """Points the modality's encoder ends below the same encoder trained alone: ``ceiling − probe``."""
    return difference(f"ceiling.{modality}", f"probe_accuracy.{modality}")


LAB = Lab(
    entry=entry("dominance"),
    config=Config,
    build=build,
    metrics=lambda run, config: run.trainer.history[-1].metrics | {"chance.accuracy": chance_accuracy(run.test.y)},
    claims=(
        at_least(
            "grad_norm_ratio",
            2.0,
            L_("joint training: A's encoder gets ≥ 2× B's gradient norm, on average over the steps"),
        ),
        at_least(
            "starvation.b", 0.05, L_("… and B's encoder ends ≥ 5 points below B trained alone"), of=starvation("b")
        ),
        at_most("starvation.a", 0.02, L_("… while A's encoder is within 2 points of A alone"), of=starvation("a")),
        at_most("accuracy_without_a", 0.65, L_("with A blanked out, the fused model falls to ≤ 65 % (chance 50 %)")),
        at_most(
            "starvation.b",
            0.04,
            L_("with OGM-GE (α = 2), B's encoder ends within 4 points of B alone"),
            settings={"method": "ogm_ge"},
            of=starvation("b"),
        ),
        at_least(
            "fused_accuracy",
            0.98,
            L_("… and the fused model keeps ≥ 98 % test accuracy"),
            settings={"method": "ogm_ge"},
        ),
    ),
    extras=(
        Extra(
            "ceiling",
            L_("Train each modality alone for its ceiling (≈ 3 s)"),
            ("imbalance", "noise_b", "n_train", "n_test", "lr", "batch", "steps", "seed"),
            ceilings,
            auto=lambda config: config.steps * config.batch <= AUTO_CEILING_SAMPLES,
        ),
    ),
    default_speed=50,
)
