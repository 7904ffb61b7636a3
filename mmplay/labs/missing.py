"""Missing-modalities lab (seed: 模态缺失): impute the missing input, or train with modality dropout.

Both modalities come from a shared latent (jointly Gaussian given the class), so each predicts the
other. A classifier trained on complete data meets missing inputs filled with zeros, the training
mean, the conditional-Gaussian mean ``E[x_m | x_o]``, or a learned regressor's guess; a second
classifier of the same shape is trained with modality dropout (probability q) and a presence mask.
Each step trains every model on a minibatch of ``batch`` training items drawn with replacement; the two
classifiers and the two regressors are each a :class:`~mmplay.models.stacked_mlp.StackedMLP` pair, trained
with closed-form gradients on items as columns. The minibatches and dropout masks of ``⌊BLOCK_ITEMS / batch⌋``
steps are drawn at once, so the numbers do not depend on how the steps are grouped into ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F
from torch import nn

from mmplay import elementwise
from mmplay.config import knob
from mmplay.data.latent import CLASSES, TwoModalData, make_two_modal
from mmplay.device import get_device
from mmplay.i18n import L_, N_
from mmplay.labs import entry
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, at_least, at_most, difference, no_progress
from mmplay.metrics import chance_accuracy
from mmplay.models.stacked_mlp import StackedMLP
from mmplay.robust.missing import GaussianImputer, dropout_masks, masked_inputs
from mmplay.train import Trainer, adam

STRATEGIES = ("zero_fill", "mean_fill", "conditional", "regressor", "dropout", "dropout_impute")
RATES = tuple(i / 10 for i in range(11))
Q_SWEEP = (0.0, 0.15, 0.3, 0.5, 0.7)  # dropout probabilities of the q sweep
Q_CHUNK = 50  # the q sweep trains in chunks of this many steps between progress reports
MISSING_NAMES = {"either": N_("either")}  # "a" and "b" show as they are
BLOCK_ITEMS = 25_000  # training draws the minibatches of ⌊this / batch⌋ steps at once


@dataclass(frozen=True)
class Config:
    rate: float = knob(
        0.5, lo=0.0, hi=1.0, step=0.05, help=N_("fraction of test items with a missing modality"), test_time=True
    )
    missing: str = knob(
        "b",
        choices=("a", "b", "either"),
        help=N_("which modality goes missing"),
        test_time=True,
        names=MISSING_NAMES,
    )
    q: float = knob(0.3, lo=0.0, hi=0.9, step=0.05, help=N_("modality-dropout probability during training"))
    shared_std: float = knob(0.8, lo=0.0, hi=2.0, help=N_("within-class latent spread shared by A and B"))
    offset: float = knob(3.0, lo=-5.0, hi=5.0, help=N_("mean of every feature (so that zero is not 'average')"))
    n_train: int = knob(4000, lo=400, hi=40000, help=N_("training items"))
    n_test: int = knob(4000, lo=400, hi=40000, help=N_("test items"))
    lr: float = knob(0.01, lo=0.0005, hi=0.1, help=N_("Adam learning rate"), log=True)
    batch: int = knob(500, lo=16, hi=40000, help=N_("minibatch size"))
    steps: int = knob(600, lo=1, hi=5000, help=N_("where Play stops, and how long a headless run trains"))
    seed: int = knob(0, lo=0, hi=2**31 - 1, help=N_("seeds data, masks and initial weights"))


CLASSIFIERS = ("complete", "dropout")  # the members of ``models["classifiers"]``, in order
REGRESSORS = ("b", "a")  # the members of ``models["regressors"]``: the one that fills B (from A), then A (from B)


@dataclass
class MissingRun:
    config: Config
    train: TwoModalData
    test: TwoModalData
    models: torch.nn.ModuleDict  # "classifiers", "regressors": StackedMLP pairs, trained in closed form
    imputer: GaussianImputer
    trainer: Trainer = field(init=False)
    outcomes: dict[str, dict[str, torch.Tensor]] = field(init=False, default_factory=dict)  # correct_when_lost's
    outcomes_step: int = field(init=False, default=-1)  # the step they were computed at
    fills: dict[str, tuple[torch.Tensor, torch.Tensor]] = field(init=False)  # the fixed fills of (test x_a, x_b)
    masks: dict[tuple[float, str], tuple[torch.Tensor, torch.Tensor]] = field(init=False, default_factory=dict)
    lost: dict[tuple[tuple[float, ...], str], tuple[torch.Tensor, torch.Tensor]] = field(
        init=False, default_factory=dict
    )
    columns: dict[tuple[str, str], torch.Tensor] = field(init=False, default_factory=dict)  # filled_columns' fixed ones

    def __post_init__(self) -> None:
        config, classifiers, regressors = self.config, self.models["classifiers"], self.models["regressors"]
        device = self.train.y.device
        gen = torch.Generator().manual_seed(config.seed + 3)
        n = config.n_train
        batch = min(config.batch, n)
        block = max(1, BLOCK_ITEMS // batch)
        x_a, x_b = self.train.x["a"], self.train.x["b"]
        ones = torch.ones_like(x_a[:, :1])
        # items as columns: x_a, x_b, 1, 1, 1 (the first bias' input), −onehot(y)/B
        onehot = F.one_hot(self.train.y, CLASSES).to(x_a.dtype)
        table = torch.cat([x_a, x_b, ones, ones, ones, onehot / -batch], 1).t().contiguous()
        t_a, t_b = self.test.x["a"], self.test.x["b"]
        self.fills = {
            "zero_fill": (torch.zeros_like(t_a), torch.zeros_like(t_b)),
            "mean_fill": (x_a.mean(0).expand_as(t_a), x_b.mean(0).expand_as(t_b)),
            "conditional": (self.imputer.impute_a(t_b), self.imputer.impute_b(t_a)),
        }
        pending: list[tuple[torch.Tensor, ...]] = []  # the drawn block's steps still to take, the next one last

        def draw_block() -> list[tuple[torch.Tensor, ...]]:
            """The minibatches of the next ``block`` steps, drawn at once (indices with replacement, then dropout
            masks, on the CPU generator): per step the classifiers' inputs (2, 7, B) — complete, and with the
            dropped modalities' entries and masks zeroed —, ``−onehot(y)/B`` (1, C, B), the regressors' inputs
            (2, 3, B) — x_a, x_b — and their targets times ``−2/(2B)`` (2, 2, B) — x_b, x_a; inputs end in a row
            of ones (:class:`~mmplay.models.stacked_mlp.StackedMLP`)."""
            idx = torch.randint(0, n, (block * batch,), generator=gen) if batch < n else torch.arange(n).repeat(block)
            m_a, m_b = (m.to(device).view(1, block, batch) for m in dropout_masks(block * batch, config.q, gen))
            picked = table.index_select(1, idx.to(device)).view(-1, block, batch)
            complete = picked[:7]  # masked_inputs(x_a, x_b, 1, 1), 1
            dropped = complete * torch.cat([m_a, m_a, m_b, m_b, m_a, m_b, torch.ones_like(m_a)])
            inputs = torch.stack([complete, dropped]).permute(2, 0, 1, 3).contiguous()
            neg_onehot = picked[7:].permute(1, 0, 2).unsqueeze(1).contiguous()
            observed = torch.stack([picked[[0, 1, 6]], picked[[2, 3, 6]]]).permute(2, 0, 1, 3).contiguous()
            neg_targets = (observed[:, :, :2].flip(1) / -batch).contiguous()
            steps = zip(inputs.unbind(0), neg_onehot.unbind(0), observed.unbind(0), neg_targets.unbind(0))
            return list(steps)[::-1]

        @torch.no_grad()
        def objective(_: int) -> dict[str, torch.Tensor]:
            """Both classifiers' cross-entropies ``−(1/B) Σᵢ log pᵢ[yᵢ]`` (the complete one sees masks of ones, the
            dropout one masks with entries dropped), gradient ``(p − onehot(y))/B``, and the two regressors' summed
            mean squared errors ``Σₖ ‖Ŷₖ − Yₖ‖²/(2B)``, gradient ``(Ŷₖ − Yₖ)/B``, all in closed form. Softmax runs
            down the columns (items as columns), the fast direction on the CPU."""
            if not pending:
                pending.extend(draw_block())
            inputs, neg_onehot, observed, neg_targets = pending.pop()
            logits, hidden = classifiers.forward(inputs)  # forward: no nn.Module call machinery a step
            log_p = logits.log_softmax(1)
            classifiers.set_grads(inputs, hidden, torch.add(neg_onehot, elementwise.exp(log_p), alpha=1 / batch))
            losses = (log_p * neg_onehot).sum((1, 2))
            guesses, hidden = regressors.forward(observed)
            d_guesses = torch.add(neg_targets, guesses, alpha=1 / batch)  # (Ŷ − Y)/B
            regressors.set_grads(observed, hidden, d_guesses)
            flat = d_guesses.view(-1)
            return {"complete": losses[0], "dropout": losses[1], "regressors": torch.dot(flat, flat) * (batch / 2)}

        optimizer = adam(self.models.parameters(), lr=config.lr)
        evaluate = lambda: {f"accuracy.{k}": v for k, v in accuracies(self, config.rate).items()}  # noqa: E731
        self.trainer = Trainer(objective, optimizer, evaluate=evaluate)
        self.trainer.step(0)


def build(config: Config, device: torch.device | None = None) -> MissingRun:
    device = device or get_device()
    draw = lambda n, s: make_two_modal(n, shared_std=config.shared_std, offset=config.offset, seed=s)  # noqa: E731
    train, test = draw(config.n_train, config.seed).to(device), draw(config.n_test, config.seed + 1).to(device)
    torch.manual_seed(config.seed)
    mlp = lambda d_in, hidden, d_out: nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out))  # noqa: E731
    classifiers = [mlp(6, 64, CLASSES) for _ in CLASSIFIERS]  # inputs: masked_inputs(x_a, x_b, m_a, m_b)
    regressors = [mlp(2, 32, 2) for _ in REGRESSORS]
    models = nn.ModuleDict({"classifiers": StackedMLP(classifiers), "regressors": StackedMLP(regressors)}).to(device)
    imputer = GaussianImputer().fit(train.x["a"], train.x["b"])
    return MissingRun(config, train, test, models, imputer)


def classify(run: MissingRun, strategy: str, a: torch.Tensor, b: torch.Tensor, m_a, m_b) -> torch.Tensor:
    """Logits (N, C) of the classifier that ``strategy`` uses (the dropout one for ``dropout*``): a view of the
    classifier's (C, N), whose argmax ``.max(1).indices`` takes (the first on ties, as ``argmax``) runs down the
    columns, the fast direction on the CPU."""
    return run.models["classifiers"].member(classifier_of(strategy), as_columns(a, b, m_a, m_b)).t()


def as_columns(a: torch.Tensor, b: torch.Tensor, m_a: torch.Tensor, m_b: torch.Tensor) -> torch.Tensor:
    """A classifier's inputs for items (N, ·) and masks (N, 1): ``masked_inputs`` as columns (7, N), last row ones."""
    return torch.cat([masked_inputs(a, b, m_a, m_b), torch.ones_like(m_a)], 1).t().contiguous()


def classifier_of(strategy: str) -> int:
    """The member of ``models["classifiers"]`` that ``strategy`` uses: the dropout one for ``dropout*``."""
    return CLASSIFIERS.index("dropout" if strategy.startswith("dropout") else "complete")


def regress(run: MissingRun, missing: str, observed: torch.Tensor) -> torch.Tensor:
    """The learned regressor's guess of modality ``missing`` (``"a"`` or ``"b"``) from the other one."""
    columns = torch.cat([observed, torch.ones_like(observed[:, :1])], 1).t().contiguous()  # last row ones
    return run.models["regressors"].member(REGRESSORS.index(missing), columns).t()


def missing_masks(run: MissingRun, rate: float, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Test presence masks (N, 1): a fraction ``rate`` of items lose modality ``which`` (or either). Kept."""
    if (rate, which) in run.masks:
        return run.masks[rate, which]
    n = run.test.y.shape[0]
    gen = torch.Generator().manual_seed(run.config.seed + 11)
    lost = torch.rand(n, 1, generator=gen) < rate
    pick_a = torch.rand(n, 1, generator=gen) < 0.5 if which == "either" else torch.full((n, 1), which == "a")
    device = run.test.y.device
    run.masks[rate, which] = (~(lost & pick_a)).float().to(device), (~(lost & ~pick_a)).float().to(device)
    return run.masks[rate, which]


def lost_indicators(run: MissingRun, rates: tuple[float, ...], which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(1 − m_a, 1 − m_b)`` (N, R): 1 where a test item loses A (B), one column per missing rate in ``rates``
    (:func:`missing_masks`). Kept: the test masks are fixed, so a live tick does not rebuild them."""
    key = (rates, which)
    if key not in run.lost:
        masks = [missing_masks(run, rate, which) for rate in rates]
        run.lost[key] = tuple(1 - torch.cat([mask[i] for mask in masks], 1) for i in (0, 1))
    return run.lost[key]


def filled_inputs(run: MissingRun, strategy: str, m_a: torch.Tensor, m_b: torch.Tensor):
    """Test inputs with missing entries filled as ``strategy`` says, and the masks the model is shown."""
    x_a, x_b = run.test.x["a"], run.test.x["b"]
    fixed = {"dropout": "zero_fill", "dropout_impute": "conditional"}.get(strategy, strategy)
    if fixed in run.fills:
        fill_a, fill_b = run.fills[fixed]
    else:
        fill_a, fill_b = regress(run, "a", x_b), regress(run, "b", x_a)
    a = m_a * x_a + (1 - m_a) * fill_a
    b = m_b * x_b + (1 - m_b) * fill_b
    shown = (m_a, m_b) if strategy == "dropout" else (torch.ones_like(m_a), torch.ones_like(m_b))
    return a, b, shown


def filled_columns(run: MissingRun, strategy: str, lost: str) -> torch.Tensor:
    """The classifier's inputs (7, N) when every test item loses modality ``lost`` (``"a"``, ``"b"``) or nothing
    (``"none"``), filled and masked as ``strategy`` says (:func:`filled_inputs`), items as columns, last row ones.
    Kept for every strategy but ``regressor``, whose fill changes as the regressor trains: the test items and the
    other fills are fixed, so a live tick does not rebuild them."""
    key = (strategy, lost)
    if key in run.columns:
        return run.columns[key]
    ones = torch.ones_like(run.test.y, dtype=run.test.x["a"].dtype).unsqueeze(1)
    m_a, m_b = {"none": (ones, ones), "a": (0 * ones, ones), "b": (ones, 0 * ones)}[lost]
    a, b, shown = filled_inputs(run, strategy, m_a, m_b)
    columns = as_columns(a, b, *shown)
    if strategy != "regressor":
        run.columns[key] = columns
    return columns


def correct_when_lost(run: MissingRun, lost: str) -> dict[str, torch.Tensor]:
    """Per strategy, whether each test item's prediction is right when every item loses modality ``lost``
    (``"a"``, ``"b"``) or nothing (``"none"``): bool (N,). Filling and the models act item by item, so any missing
    rate is a choice among these three, and a sweep needs a forward pass per strategy and case instead of one per
    rate. With nothing lost every strategy shows its classifier the complete items, so each classifier runs once.
    Computed when first asked for, and kept until the next training step."""
    if run.outcomes_step != run.trainer.steps_done:
        run.outcomes, run.outcomes_step = {}, run.trainer.steps_done
    if lost not in run.outcomes:
        run.outcomes[lost] = {}
        with torch.no_grad():
            for strategy in STRATEGIES:
                twin = "dropout" if strategy.startswith("dropout") else "zero_fill"
                if lost == "none" and twin in run.outcomes[lost]:
                    run.outcomes[lost][strategy] = run.outcomes[lost][twin]
                    continue
                logits = run.models["classifiers"].member(classifier_of(strategy), filled_columns(run, strategy, lost))
                run.outcomes[lost][strategy] = logits.t().max(1).indices == run.test.y
    return run.outcomes[lost]


def accuracies(run: MissingRun, rate: float, which: str | None = None) -> dict[str, float]:
    """Test accuracy of every strategy when a fraction ``rate`` of items lose ``which`` (default: the config's)."""
    table = accuracy_table(run, *lost_indicators(run, (rate,), which or run.config.missing))
    return {strategy: float(table[i, 0]) for i, strategy in enumerate(STRATEGIES)}


def accuracy_table(run: MissingRun, lost_a: torch.Tensor, lost_b: torch.Tensor) -> torch.Tensor:
    """Accuracy of every strategy (rows, in ``STRATEGIES`` order) for each column of the loss indicators ``lost_a``,
    ``lost_b`` (N, R), 1 where an item loses A (B): an item is right as it is with nothing lost, unless it loses a
    modality, so with outcome matrices ``O`` (S, N), ``acc = (O_none 1 + (O_a − O_none) lost_a + (O_b − O_none) lost_b)
    / N`` — every count an exact integer, one product per case for all R missing rates at once."""
    cases = {"none": True, "a": bool(lost_a.any()), "b": bool(lost_b.any())}
    right = {
        lost: torch.stack([correct_when_lost(run, lost)[s] for s in STRATEGIES]).to(lost_a.dtype)
        for lost, needed in cases.items()
        if needed
    }
    counts = right["none"].sum(1, keepdim=True).expand(-1, lost_a.shape[1])
    for lost, indicators in (("a", lost_a), ("b", lost_b)):
        if lost in right:
            counts = counts + (right[lost] - right["none"]) @ indicators
    return counts / lost_a.shape[0]


def rate_sweep(run: MissingRun, which: str) -> dict[str, list[float]]:
    """Every strategy's accuracy at each missing rate in ``RATES``."""
    table = accuracy_table(run, *lost_indicators(run, RATES, which))
    return {s: table[i].tolist() for i, s in enumerate(STRATEGIES)}


def imputation_sample(run: MissingRun, which: str, limit: int = 300) -> dict[str, list[float]]:
    """True vs imputed second feature of the missing modality (``which`` ∈ {a, b}), for the first ``limit`` test
    items."""
    x_a, x_b = run.test.x["a"][:limit], run.test.x["b"][:limit]
    with torch.no_grad():
        if which == "a":
            truth, cond, learned = x_a, run.imputer.impute_a(x_b), regress(run, "a", x_b)
        else:
            truth, cond, learned = x_b, run.imputer.impute_b(x_a), regress(run, "b", x_a)
    return {"true": truth[:, 1].tolist(), "conditional": cond[:, 1].tolist(), "regressor": learned[:, 1].tolist()}


def dropout_q_sweep(config: Config, _run: object = None, progress: Progress = no_progress) -> dict:
    """Complete-data and B-missing accuracy of dropout models trained at each q in ``Q_SWEEP`` (fresh runs)."""
    complete, b_missing = [], []
    for i, q in enumerate(Q_SWEEP):
        live = build(replace(config, q=q))
        while live.trainer.steps_done < config.steps:
            live.trainer.step(min(Q_CHUNK, config.steps - live.trainer.steps_done))
            progress((i + live.trainer.steps_done / config.steps) / len(Q_SWEEP))
        complete.append(accuracies(live, 0.0, "b")["dropout"])
        b_missing.append(accuracies(live, 1.0, "b")["dropout"])
    return {"q": list(Q_SWEEP), "complete": complete, "b_missing": b_missing}


def metrics(run: MissingRun, config: Config) -> Metrics:
    """``accuracy.<strategy>`` at ``config``'s missing rate and modality; ``chance.accuracy``: the most frequent
    class's share."""
    out = {f"accuracy.{k}": v for k, v in accuracies(run, config.rate, config.missing).items()}
    return out | {"chance.accuracy": chance_accuracy(run.test.y)}


LAB = Lab(
    entry=entry("missing"),
    config=Config,
    build=build,
    metrics=metrics,
    claims=(
        at_most(
            "accuracy.zero_fill",
            0.45,
            L_("B always missing: zero-filling breaks the model, ≤ 45 % (chance 33 %)"),
            settings={"rate": 1.0},
        ),
        at_least(
            "accuracy.conditional",
            0.55,
            L_("B always missing: conditional-Gaussian imputation keeps ≥ 55 %"),
            settings={"rate": 1.0},
        ),
        at_least(
            "accuracy.dropout", 0.55, L_("B always missing: modality dropout keeps ≥ 55 %"), settings={"rate": 1.0}
        ),
        at_most(
            "dropout_vs_imputer",
            0.03,
            L_("B always missing: dropout is within 3 points of the conditional imputer (it matches, not beats it)"),
            settings={"rate": 1.0},
            of=difference("accuracy.conditional", "accuracy.dropout"),
        ),
        at_most(
            "dropout_cost",
            0.015,
            L_("nothing missing: training with dropout costs ≤ 1.5 points"),
            settings={"rate": 0.0},
            of=difference("accuracy.zero_fill", "accuracy.dropout"),
        ),
    ),
    extras=(
        Extra(
            "q_sweep",
            L_("Train five dropout models, q = 0 … 0.7 (≈ 5 s)"),
            ("shared_std", "offset", "n_train", "n_test", "lr", "steps", "seed"),
            dropout_q_sweep,
        ),
    ),
    default_speed=50,
)
