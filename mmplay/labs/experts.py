"""Experts lab (seed: 专家相乘 vs 专家混合): PoE is sharp, MoE is cautious — calibration decides.

Two experts each learn ``p(w | x_m)`` as a Gaussian by minimising the Gaussian NLL
``½[log 2πσ² + (w − μ)²/σ²]`` on unbiased readings. At test time sensor B drifts by a bias b.
PoE fuses the two posteriors (dividing the prior out once, or not: the double-counting toggle);
MoE averages their densities with weights ½, or with weights from a small gate network on both
readings, trained on the same (unbiased) data by the mixture NLL ``−log Σ πₖ N(w; μₖ, σₖ²)``, all three on
one minibatch of ``batch`` readings per step (drawn with replacement; all when it covers the set). Each is
scored by NLL, the coverage and width of its central 90 % interval, a reliability curve (nominal vs
empirical coverage) and a PIT histogram. Bias, prior correction and MoE weights are test-time
choices: the scoring functions take them from a ``Config`` (the "view") without retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import torch

from mmplay import experts as ex
from mmplay.config import knob
from mmplay.data.sensors import WeightReadings, make_weight_readings
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Lab, Metrics, at_least, at_most, difference, flatten
from mmplay.models.expert_grads import experts_losses
from mmplay.models.gaussian_expert import GaussianExperts
from mmplay.models.stacked_tanh_mlp import StackedTanhMLP
from mmplay.train import Trainer, adam, minibatch_rows

MAX_BIAS = 4.0  # bias = 1 on the slider means sensor B reads 4 units too heavy
METHODS = ("expert_a", "expert_b", "poe", "moe")
NOMINAL_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True)
class Config:
    bias: float = knob(
        0.0, lo=0.0, hi=1.0, step=0.05, help=N_("sensor B's test-time bias, as a fraction of 4 units"), test_time=True
    )
    noise_a: float = knob(0.5, lo=0.1, hi=2.0, help=N_("std of sensor A's noise"))
    noise_b: float = knob(0.6, lo=0.1, hi=2.0, help=N_("std of sensor B's noise"))
    prior_std: float = knob(2.0, lo=0.5, hi=5.0, help=N_("std of the true weights around 0"))
    prior_correction: bool = knob(True, help=N_("divide the prior out of the product once"), test_time=True)
    moe_weights: str = knob(
        "fixed",
        choices=("fixed", "learned"),
        help=N_("MoE weights: ½ each, or a learned gate"),
        names={"fixed": N_("fixed (½ each)"), "learned": N_("learned gate")},
        test_time=True,
    )
    n_train: int = knob(2000, lo=200, hi=20000, help=N_("training readings"))
    n_test: int = knob(2000, lo=200, hi=20000, help=N_("test readings"))
    hidden: int = knob(32, lo=4, hi=128, help=N_("hidden units per expert"))
    lr: float = knob(0.01, lo=0.0005, hi=0.1, help=N_("Adam learning rate"), log=True)
    batch: int = knob(500, lo=16, hi=20000, help=N_("minibatch size"))
    steps: int = knob(400, lo=1, hi=5000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data and initial weights"))


@dataclass
class ExpertsRun:
    config: Config
    train: WeightReadings
    test: WeightReadings
    experts: (
        torch.nn.ModuleDict
    )  # {"experts"}: the two Gaussian experts, stacked; "gate": MoE weights from both readings
    trainer: Trainer = field(init=False)
    seen: dict[tuple, dict] = field(init=False, default_factory=dict)  # scores at this step, by view

    def __post_init__(self) -> None:
        models, train = self.experts, self.train
        x = train.columns()  # (2, 1, N)
        gen = torch.Generator().manual_seed(self.config.seed + 3)
        n = train.w.shape[0]
        targets = models["experts"].standardise(train.w).expand(2, -1)
        columns = torch.cat([models["experts"].standardise(x[:, 0]), targets, x[:, 0] / self.config.prior_std])

        def objective(_: int) -> dict[str, torch.Tensor]:
            """Both experts' Gaussian NLLs and the gate's mixture NLL on one minibatch; closed-form gradients."""
            idx = minibatch_rows(n, self.config.batch, gen, train.w.device)
            rows = columns if idx is None else columns.index_select(1, idx)  # u_a, u_b, t_a, t_b, gate inputs (2)
            return experts_losses(models, rows[:2].unsqueeze(1), rows[2:4], rows[4:])

        optimizer = adam(models.parameters(), lr=self.config.lr)
        self.trainer = Trainer(objective, optimizer, evaluate=lambda: flatten(scores(self, self.config)))
        self.trainer.step(0)


def gate_weights(run: ExpertsRun, x: torch.Tensor) -> torch.Tensor:
    """The gate's mixture weights (2, N) for readings ``x`` (2, 1, N)."""
    return run.experts["gate"](x.transpose(0, 1) / run.config.prior_std)[0][0].softmax(0)


def prior_of(config: Config, device: torch.device) -> ex.Gaussian:
    return ex.Gaussian(torch.tensor(0.0, device=device), torch.tensor(config.prior_std**2, device=device))


def build(config: Config, device: torch.device | None = None) -> ExpertsRun:
    device = device or get_device()
    draw = lambda n, s: make_weight_readings(n, 0.0, config.prior_std, config.noise_a, config.noise_b, s)  # noqa: E731
    train, test = draw(config.n_train, config.seed).to(device), draw(config.n_test, config.seed + 1).to(device)
    torch.manual_seed(config.seed)
    experts = GaussianExperts(2, 1, config.hidden, 0.0, config.prior_std)  # draws its weights before the gate
    gate = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    models = torch.nn.ModuleDict({"experts": experts, "gate": StackedTanhMLP([gate])}).to(device)
    return ExpertsRun(config, train, test, models)


def fused(run: ExpertsRun, view: Config) -> dict[str, tuple[torch.Tensor, ...]]:
    """``(μ, σ²)`` of the two experts and PoE, and ``(μ_k, σ²_k, π_k)`` stacked (2, N) for MoE, on the test set
    with sensor B biased by ``view.bias · MAX_BIAS``.

    ``view`` supplies the test-time choices: bias, prior correction, MoE weights.
    """
    x = run.test.columns(view.bias * MAX_BIAS)
    with torch.no_grad():
        means, variances = run.experts["experts"](x)  # (2, N) each
        weights = gate_weights(run, x) if view.moe_weights == "learned" else torch.full_like(means, 0.5)
    prior = prior_of(run.config, means.device)
    product = ex.poe_of_posteriors(means, variances, prior) if view.prior_correction else ex.poe(means, variances)
    return {
        "expert_a": (means[0], variances[0]),
        "expert_b": (means[1], variances[1]),
        "poe": (product.mean, product.variance),
        "moe": (means, variances, weights),
    }


def _intervals(params: tuple[torch.Tensor, ...], levels: Sequence[float]) -> tuple[torch.Tensor, torch.Tensor]:
    """The central intervals at ``levels``: lower and upper bounds (L, N), the ``(1 ∓ level)/2`` quantiles (a
    mixture's exact, all in one bisection)."""
    qs = [(1 - level) / 2 for level in levels] + [(1 + level) / 2 for level in levels]
    if len(params) == 3:
        bounds = ex.mixture_quantiles(qs, *params)
    else:
        bounds = torch.stack([ex.normal_quantile(q, *params) for q in qs])
    return bounds[: len(levels)], bounds[len(levels) :]


def scores(run: ExpertsRun, view: Config) -> dict[str, dict[str, float]]:
    """``{"coverage_90"|"nll"|"width"|"variance": {method: value}}`` under ``view``; kept until the next training
    step (the trainer's evaluation, the page's cards and its claims ask for the same ones; only training changes
    the experts)."""
    key = (run.trainer.steps_done, view.bias, view.prior_correction, view.moe_weights)
    if key not in run.seen:
        run.seen = {k: v for k, v in run.seen.items() if k[0] == key[0]}
        run.seen[key] = _scores(run, view)
    return {group: dict(values) for group, values in run.seen[key].items()}


def _scores(run: ExpertsRun, view: Config) -> dict[str, dict[str, float]]:
    y = run.test.w
    out: dict[str, dict[str, float]] = {"coverage_90": {}, "nll": {}, "width": {}, "variance": {}}
    for name, params in fused(run, view).items():
        (lower,), (upper,) = _intervals(params, (0.9,))
        out["coverage_90"][name] = ex.coverage(y, lower, upper)
        out["width"][name] = float((upper - lower).mean())
        if len(params) == 3:
            out["nll"][name] = float(-ex.mixture_log_density(y, *params).mean())
            out["variance"][name] = float(ex.moe(*params).variance.mean())
        else:
            out["nll"][name] = float(ex.gaussian_nll(y, *params))
            out["variance"][name] = float(params[1].mean())
    return out


def reliability(run: ExpertsRun, view: Config) -> dict[str, list[float]]:
    """Empirical coverage of each method's central interval at each of ``NOMINAL_LEVELS``."""
    out = {}
    for name, params in fused(run, view).items():
        lower, upper = _intervals(params, NOMINAL_LEVELS)
        out[name] = [ex.coverage(run.test.w, low, high) for low, high in zip(lower, upper, strict=True)]
    return out


def pit(run: ExpertsRun, view: Config, bins: int = 10) -> dict[str, list[float]]:
    """PIT histogram (density per bin of ``F(w)``) of each method; flat at 1 when calibrated."""
    y = run.test.w
    out = {}
    for name, params in fused(run, view).items():
        cdf = ex.mixture_cdf(y, *params) if len(params) == 3 else ex.normal_cdf(y, *params)
        out[name] = ex.pit_histogram(cdf, bins).tolist()
    return out


def bias_sweep(run: ExpertsRun, view: Config, points: int = 9) -> tuple[list[float], dict[str, dict[str, list[float]]]]:
    """Biases (in weight units) and the scores at each: ``{metric: {method: [value per bias]}}``."""
    fractions = [i / (points - 1) for i in range(points)]
    table = [scores(run, replace(view, bias=b)) for b in fractions]
    sweep = {group: {m: [row[group][m] for row in table] for m in METHODS} for group in table[0]}
    return [f * MAX_BIAS for f in fractions], sweep


@dataclass(frozen=True)
class AnalyticResult:
    """Densities on a grid for the analytic playground, and each summary's mean and variance."""

    grid: list[float]
    expert_densities: list[list[float]]
    poe_density: list[float]
    moe_density: list[float]
    poe: tuple[float, float]  # (mean, variance)
    moe: tuple[float, float]  # (mean, variance), law of total variance
    moe_within: float  # Σπσ², the experts' weighted average variance: the MoE variance is never below it
    moe_interval_90: tuple[float, float]  # exact mixture quantiles


def analytic(means: list[float], stds: list[float], weights: list[float], points: int = 401) -> AnalyticResult:
    """PoE and MoE of K Gaussian experts, evaluated exactly on a grid covering all of them."""
    mu = torch.tensor(means, dtype=torch.float64).unsqueeze(1)  # (K, 1)
    var = torch.tensor(stds, dtype=torch.float64).unsqueeze(1) ** 2  # (K, 1)
    pi = torch.tensor(weights, dtype=torch.float64).unsqueeze(1)  # (K, 1)
    spread = 4 * var.max().sqrt()
    grid = torch.linspace(float(mu.min() - spread), float(mu.max() + spread), points, dtype=torch.float64)
    product = ex.poe(mu, var)
    mixture = ex.moe(mu, var, pi)
    expert_pdf = torch.exp(ex.gaussian_log_density(grid.unsqueeze(0), mu, var))  # (K, G)
    interval = tuple(ex.mixture_quantiles((0.05, 0.95), mu, var, pi)[:, 0].tolist())
    return AnalyticResult(
        grid=grid.tolist(),
        expert_densities=expert_pdf.tolist(),
        poe_density=torch.exp(ex.gaussian_log_density(grid, product.mean, product.variance)).tolist(),
        moe_density=torch.exp(ex.mixture_log_density(grid, mu, var, pi)).tolist(),
        poe=(float(product.mean), float(product.variance)),
        moe=(float(mixture.mean), float(mixture.variance)),
        moe_within=float((pi / pi.sum() * var).sum()),
        moe_interval_90=interval,
    )


def metrics(run: ExpertsRun, config: Config) -> Metrics:
    """``{coverage_90|nll|width|variance}.<method>`` at ``config``'s bias, prior correction and MoE weights."""
    return {**flatten(scores(run, config)), "bias_units": config.bias * MAX_BIAS}


def poe_sharpness(metrics: Metrics) -> float:
    """PoE's mean variance over the smaller expert's: below 1 means sharper than every expert."""
    return metrics["variance.poe"] / min(metrics["variance.expert_a"], metrics["variance.expert_b"])


def moe_spread(metrics: Metrics) -> float:
    """MoE's mean variance over the larger expert's: above 1 means wider than every expert."""
    return metrics["variance.moe"] / max(metrics["variance.expert_a"], metrics["variance.expert_b"])


LAB = Lab(
    entry=entry("experts"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most("poe_sharpness", 0.7, L_("PoE's variance is ≤ 0.7 × the sharper expert's"), of=poe_sharpness),
        at_least("coverage_90.poe", 0.85, L_("no bias: PoE's 90 % interval covers ≥ 85 % of true weights")),
        at_least(
            "nll_gap", 0.1, L_("no bias: PoE's NLL is ≥ 0.1 nats below MoE's"), of=difference("nll.moe", "nll.poe")
        ),
        at_most(
            "coverage_90.poe", 0.1, L_("largest bias (4 units): PoE's interval covers ≤ 10 %"), settings={"bias": 1.0}
        ),
        at_least(
            "coverage_90.moe", 0.8, L_("largest bias: MoE with weights ½ still covers ≥ 80 %"), settings={"bias": 1.0}
        ),
        at_least(
            "moe_spread",
            1.0,
            L_("largest bias: the experts' means disagree, so MoE's variance exceeds both experts'"),
            settings={"bias": 1.0},
            of=moe_spread,
        ),
    ),
    default_speed=50,
)
