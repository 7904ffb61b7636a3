"""Fusion lab (seed: 融合). Part 1: evidence adds in log-odds. Part 2: attention vs concatenation.

Part 1. Two logistic regressions, one per modality, each estimate ``logit p(y | x_m)``, which
contains the prior log-odds once. Under conditional independence
``logit p(y | x_a, x_b) = ℓ_a + ℓ_b − logit π`` (the prior-corrected sum). Compared with the exact
Bayes posterior of the generative model and with a logistic regression on ``[x_a, x_b]``.

Part 2. For each sequence length T the three sequence models of
:mod:`mmplay.models.sequence_fusion` get the same budget (steps, batch, learning rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from mmplay.config import knob
from mmplay.data.conditional import CondData, bayes_logit, make_conditional_data
from mmplay.data.sequences import make_sequences
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, at_least, at_most, flatten, no_progress
from mmplay.metrics import chance_accuracy, expected_calibration_error, reliability_bins
from mmplay.models.sequence_fusion import ConcatMLP, CrossAttention, MeanPoolMLP
from mmplay.train import Trainer, adam

LENGTHS = (4, 8, 16, 32, 64)
SEQ_MODELS = ("concat", "mean_pool", "attention")
PREDICTORS = ("a_only", "b_only", "sum_corrected", "sum_uncorrected", "joint", "bayes")
SEQ_CHUNK = 50  # sequence models train in chunks of this many steps between progress reports


@dataclass(frozen=True)
class Config:
    rho: float = knob(0.0, lo=0.0, hi=1.0, step=0.05, help=N_("noise correlation across modalities (0 = independent)"))
    prior: float = knob(0.5, lo=0.05, hi=0.95, step=0.05, help=N_("P(y = 1)"))
    separation: float = knob(2.0, lo=0.5, hi=4.0, help=N_("distance between class means, per modality"))
    dim: int = knob(2, lo=1, hi=16, help=N_("features per modality"))
    n_train: int = knob(4000, lo=200, hi=50000, help=N_("training examples"))
    n_test: int = knob(4000, lo=200, hi=50000, help=N_("test examples"))
    lr: float = knob(0.05, lo=0.001, hi=0.5, help=N_("Adam learning rate (part 1)"), log=True)
    steps: int = knob(300, lo=1, hi=5000, help=N_("where Play stops, and how long a headless run trains (part 1)"))
    seq_steps: int = knob(600, lo=50, hi=5000, help=N_("optimizer steps per sequence model (part 2)"))
    seq_train: int = knob(4000, lo=500, hi=20000, help=N_("training sequences per length (part 2)"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data and initial weights"))


@dataclass
class LogitRun:
    config: Config
    train: CondData
    test: CondData
    models: torch.nn.ModuleDict
    trainer: Trainer = field(init=False)

    def __post_init__(self) -> None:
        models, train = self.models, self.train

        def objective(_: int) -> dict[str, torch.Tensor]:
            logits = unimodal_logits(models, train)
            return {name: F.binary_cross_entropy_with_logits(logits[name], train.y) for name in models}

        optimizer = adam(models.parameters(), lr=self.config.lr)
        self.trainer = Trainer(objective, optimizer, evaluate=lambda: logit_metrics(self))
        self.trainer.step(0)


def build(config: Config, device: torch.device | None = None) -> LogitRun:
    """Part 1: data, the unimodal and joint logistic regressions, and their trainer."""
    device = device or get_device()
    draw = lambda n, s: make_conditional_data(n, config.dim, config.separation, config.rho, config.prior, s)  # noqa: E731
    train, test = draw(config.n_train, config.seed).to(device), draw(config.n_test, config.seed + 1).to(device)
    torch.manual_seed(config.seed)
    d = config.dim
    models = torch.nn.ModuleDict(
        {"a_only": torch.nn.Linear(d, 1), "b_only": torch.nn.Linear(d, 1), "joint": torch.nn.Linear(2 * d, 1)}
    ).to(device)
    return LogitRun(config, train, test, models)


def unimodal_logits(models: torch.nn.ModuleDict, data: CondData) -> dict[str, torch.Tensor]:
    return {
        "a_only": models["a_only"](data.x["a"]).squeeze(-1),
        "b_only": models["b_only"](data.x["b"]).squeeze(-1),
        "joint": models["joint"](torch.cat([data.x["a"], data.x["b"]], dim=1)).squeeze(-1),
    }


def test_logits(run: LogitRun) -> dict[str, torch.Tensor]:
    """Every predictor's log-odds on the test set, including the two sums and exact Bayes."""
    c = run.config
    with torch.no_grad():
        logits = unimodal_logits(run.models, run.test)
    prior_logit = math.log(c.prior / (1 - c.prior))
    logits["sum_uncorrected"] = logits["a_only"] + logits["b_only"]
    logits["sum_corrected"] = logits["sum_uncorrected"] - prior_logit
    logits["bayes"] = bayes_logit(run.test.x, c.dim, c.separation, c.rho, c.prior)
    return logits


def logit_metrics(run: LogitRun) -> Metrics:
    """``{accuracy|ece|nll}.<predictor>``, ``logits.{mae_vs_bayes, mae_vs_bayes_uncorrected, …}`` and
    ``chance.accuracy`` (the most frequent class's share)."""
    logits = test_logits(run)
    y = run.test.y
    p_bayes = torch.sigmoid(logits["bayes"])
    out: dict[str, dict[str, float]] = {"accuracy": {}, "ece": {}, "nll": {}}
    for name, logit in logits.items():
        out["accuracy"][name] = float(((logit > 0).float() == y).float().mean())
        out["ece"][name] = expected_calibration_error(torch.sigmoid(logit), y)
        out["nll"][name] = float(F.binary_cross_entropy_with_logits(logit, y))
    mae = lambda name: float((torch.sigmoid(logits[name]) - p_bayes).abs().mean())  # noqa: E731
    out["chance"] = {"accuracy": chance_accuracy(y)}
    out["logits"] = {
        "mae_vs_bayes": mae("sum_corrected"),
        "mae_vs_bayes_uncorrected": mae("sum_uncorrected"),
        "mae_joint_vs_bayes": mae("joint"),
    }
    return flatten(out)


def posterior_pairs(run: LogitRun, limit: int = 600) -> dict[str, list[float]]:
    """Bayes posterior vs each fused posterior for the first ``limit`` test points (scatter data)."""
    logits = test_logits(run)
    return {name: torch.sigmoid(logits[name][:limit]).cpu().tolist() for name in PREDICTORS}


def reliability_tables(run: LogitRun) -> dict[str, dict[str, list[float]]]:
    logits = test_logits(run)
    return {name: reliability_bins(torch.sigmoid(logits[name]), run.test.y) for name in PREDICTORS}


def make_sequence_model(name: str, length: int, q_dim: int, frame_dim: int, classes: int) -> torch.nn.Module:
    if name == "concat":
        return ConcatMLP(q_dim, frame_dim, length, 64, classes)
    if name == "mean_pool":
        return MeanPoolMLP(q_dim, frame_dim, 64, classes)
    return CrossAttention(q_dim, frame_dim, 32, 64, classes)


def flops_per_example(model: torch.nn.Module, question: torch.Tensor, frames: torch.Tensor) -> int:
    """Floating-point operations of one forward pass on one example (torch's flop counter)."""
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(question[:1], frames[:1])
    return counter.get_total_flops()


def sequence_length_result(config: Config, length: int, device: torch.device, progress: Progress = no_progress) -> dict:
    """Train the three sequence models at one length; accuracy (and its chance level), params, FLOPs, attention
    peak hits.

    ``progress`` gets the fraction of this length's training done, every ``SEQ_CHUNK`` steps.
    """
    train = make_sequences(config.seq_train, length, seed=config.seed).to(device)
    test = make_sequences(1000, length, seed=config.seed + 1).to(device)
    q_dim, frame_dim, classes = train.question.shape[1], train.frames.shape[2], 4
    result: dict = {"accuracy": {}, "params": {}, "flops": {}, "chance": chance_accuracy(test.label)}
    for index, name in enumerate(SEQ_MODELS):
        torch.manual_seed(config.seed)
        model = make_sequence_model(name, length, q_dim, frame_dim, classes).to(device)
        optimizer = adam(model.parameters(), lr=3e-3)
        gen = torch.Generator().manual_seed(config.seed)

        def objective(_: int, model=model, gen=gen) -> dict[str, torch.Tensor]:
            idx = torch.randint(0, config.seq_train, (128,), generator=gen).to(device)
            return {"ce": F.cross_entropy(model(train.question[idx], train.frames[idx]), train.label[idx])}

        trainer = Trainer(objective, optimizer)
        while trainer.steps_done < config.seq_steps:
            trainer.step(min(SEQ_CHUNK, config.seq_steps - trainer.steps_done))
            progress((index + trainer.steps_done / config.seq_steps) / len(SEQ_MODELS))
        with torch.no_grad():
            result["accuracy"][name] = float((model(test.question, test.frames).argmax(1) == test.label).float().mean())
        result["params"][name] = sum(p.numel() for p in model.parameters())
        result["flops"][name] = flops_per_example(model, test.question, test.frames)
        if name == "attention":
            with torch.no_grad():
                weights = model.weights(test.question, test.frames)  # (N, T)
            result["attention_peak_hit"] = float((weights.argmax(1) == test.target).float().mean())
            result["attention_examples"] = weights[:6].cpu().tolist()
            result["attention_targets"] = test.target[:6].cpu().tolist()
    return result


def sequence_sweep(config: Config, _run: object = None, progress: Progress = no_progress) -> dict:
    """The three sequence models at every length in ``LENGTHS`` (part 2; independent of the live run)."""
    device = get_device()
    out = {}
    for i, length in enumerate(LENGTHS):
        report = lambda done, i=i: progress((i + done) / len(LENGTHS))  # noqa: E731
        out[str(length)] = sequence_length_result(config, length, device, report)
    return out


def worst_attention(metrics: Metrics) -> float:
    """Attention's lowest test accuracy over the lengths of the sweep."""
    return min(metrics[f"sweep.{t}.accuracy.attention"] for t in LENGTHS)


LAB = Lab(
    entry=entry("fusion"),
    config=Config,
    build=build,
    metrics=lambda run, config: logit_metrics(run),
    claims=(
        at_most(
            "logits.mae_vs_bayes",
            0.015,
            L_("independent modalities (ρ = 0): ℓA + ℓB − logit π matches the Bayes posterior, mean |Δp| ≤ 0.015"),
        ),
        at_most(
            "logits.mae_vs_bayes",
            0.015,
            L_("π = 0.8: with the prior subtracted once, mean |Δp| ≤ 0.015 …"),
            settings={"prior": 0.8},
        ),
        at_least(
            "logits.mae_vs_bayes_uncorrected",
            0.03,
            L_("… while the plain sum ℓA + ℓB counts the prior twice: mean |Δp| ≥ 0.03"),
            settings={"prior": 0.8},
        ),
        at_least(
            "ece.sum_corrected",
            0.04,
            L_("correlated noise (ρ = 0.8) makes the sum over-confident: ECE ≥ 0.04 (≤ 0.02 at ρ = 0)"),
            settings={"rho": 0.8},
        ),
        at_most("ece.sum_corrected", 0.02, L_("at ρ = 0 the corrected sum is calibrated: ECE ≤ 0.02")),
        at_least(
            "attention_worst",
            0.85,
            L_("cross-attention keeps ≥ 85 % accuracy at every length T = 4 … 64"),
            of=worst_attention,
        ),
        at_most("sweep.64.accuracy.concat", 0.5, L_("concatenating all 64 frames falls to ≤ 50 % (chance 25 %)")),
    ),
    extras=(
        Extra(
            "sweep",
            L_("Run the sweep over T = 4 … 64 (15 models, ≈ 15 s)"),
            ("seq_steps", "seq_train", "seed"),
            sequence_sweep,
        ),
    ),
)
