"""Dominance lab (seed: 模态优势): the easy modality's gradients drown the hard one's.

Two MLP encoders and a linear concat head, ``logits = W_a φ_a + W_b φ_b + b``, trained jointly with
SGD (momentum 0.9) on cross-entropy. Modality A is easy (linear); B needs an XOR-reading encoder.
Once A fits, the loss — and with it B's gradient — vanishes, and B's encoder under-learns. Methods
(see :mod:`mmplay.robust.balance`): none, OGM, OGM-GE, gradient-norm equalisation, adaptive loss
weights on unimodal auxiliary heads ``w_u ∝ L_u(t) / L_u(0)`` (the slower learner weighs more).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression

from mmplay.config import knob
from mmplay.data.imbalanced import ImbalancedData, make_imbalanced
from mmplay.device import get_device
from mmplay.robust import balance
from mmplay.train import Trainer

METHODS = ("none", "ogm", "ogm_ge", "grad_norm", "loss_weights")
HIDDEN = 16


@dataclass(frozen=True)
class Config:
    method: str = knob("none", choices=METHODS, help="how to rebalance the two modalities")
    alpha: float = knob(1.0, lo=0.0, hi=5.0, step=0.1, help="OGM strength α in k = 1 − tanh(α·ρ)")
    modulation_start: int = knob(0, lo=0, hi=5000, help="first step with modulation")
    modulation_stop: int = knob(10_000, lo=0, hi=10_000, help="step after which modulation stops")
    imbalance: float = knob(2.0, lo=0.5, hi=4.0, step=0.1, help="margin of modality A: how much easier A is")
    noise_b: float = knob(0.6, lo=0.1, hi=1.5, help="noise on B's XOR code")
    n_train: int = knob(1000, lo=200, hi=20000, help="training items")
    n_test: int = knob(2000, lo=200, hi=20000, help="test items")
    lr: float = knob(0.05, lo=0.001, hi=0.5, help="SGD learning rate (momentum 0.9)")
    batch: int = knob(64, lo=8, hi=1024, help="minibatch size")
    steps: int = knob(800, lo=1, hi=10_000, help="optimizer steps for a headless run")
    seed: int = knob(0, lo=0, hi=2**31 - 1, help="seeds data, batches and initial weights")


def encoder(in_dim: int) -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(in_dim, 32), torch.nn.ReLU(), torch.nn.Linear(32, HIDDEN), torch.nn.ReLU()
    )


@dataclass
class DominanceRun:
    config: Config
    train: ImbalancedData
    test: ImbalancedData
    models: torch.nn.ModuleDict
    trainer: Trainer
    trace: dict[str, list[float]] = field(default_factory=dict)  # per-step grad norms, ρ, k, loss weights


def draw(config: Config, n: int, seed: int) -> ImbalancedData:
    return make_imbalanced(n, margin_a=config.imbalance, noise_b=config.noise_b, seed=seed)


def build(config: Config, device: torch.device | None = None) -> DominanceRun:
    device = device or get_device()
    train, test = draw(config, config.n_train, config.seed).to(device), draw(config, config.n_test, config.seed + 1)
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
    optimizer = torch.optim.SGD(models.parameters(), lr=config.lr, momentum=0.9)
    run = DominanceRun(
        config,
        train,
        test.to(device),
        models,
        None,
        {
            k: []
            for k in ("grad_a", "grad_b", "rho", "k_a", "k_b", "w_a", "w_b")  # type: ignore[arg-type]
        },
    )
    gen = torch.Generator().manual_seed(config.seed + 5)
    noise_gen = torch.Generator().manual_seed(config.seed + 6)
    ctx: dict = {"first_aux": None}

    def objective(step: int) -> dict[str, torch.Tensor]:
        idx = torch.randint(0, config.n_train, (config.batch,), generator=gen).to(device)
        phi_a, phi_b = models["enc_a"](train.x["a"][idx]), models["enc_b"](train.x["b"][idx])
        y = train.y[idx]
        ctx.update(phi_a=phi_a.detach(), phi_b=phi_b.detach(), y=y)
        losses = {"fused": F.cross_entropy(models["head"](torch.cat([phi_a, phi_b], 1)), y)}
        if config.method == "loss_weights":
            aux = {u: F.cross_entropy(models[f"aux_{u}"](phi), y) for u, phi in (("a", phi_a), ("b", phi_b))}
            ctx["first_aux"] = ctx["first_aux"] or {u: float(v.detach()) for u, v in aux.items()}
            progress = {u: float(aux[u].detach()) / ctx["first_aux"][u] for u in aux}  # how much of the loss is left
            total = sum(progress.values())
            for u in aux:
                weight = 2 * progress[u] / total
                run.trace[f"w_{u}"].append(weight)
                losses[f"aux_{u}"] = weight * aux[u]
        return losses

    def modulate(step: int) -> None:
        enc = {u: list(models[f"enc_{u}"].parameters()) for u in ("a", "b")}
        run.trace["grad_a"].append(balance.grad_norm(enc["a"]))
        run.trace["grad_b"].append(balance.grad_norm(enc["b"]))
        head = models["head"]
        s_a = balance.contribution_score(ctx["phi_a"], head.weight[:, :HIDDEN].detach(), head.bias.detach(), ctx["y"])
        s_b = balance.contribution_score(ctx["phi_b"], head.weight[:, HIDDEN:].detach(), head.bias.detach(), ctx["y"])
        rho = s_a / max(s_b, 1e-8)
        run.trace["rho"].append(rho)
        k = {"a": 1.0, "b": 1.0}
        active = config.modulation_start <= step < config.modulation_stop
        if config.method in ("ogm", "ogm_ge") and active:
            k = {"a": balance.ogm_coefficient(rho, config.alpha), "b": balance.ogm_coefficient(1 / rho, config.alpha)}
            for u in ("a", "b"):
                balance.scale_grads(enc[u], k[u])
                if config.method == "ogm_ge":
                    balance.add_gradient_noise(enc[u], noise_gen)
        elif config.method == "grad_norm" and active:
            balance.equalise_grad_norms(enc)
        run.trace["k_a"].append(k["a"])
        run.trace["k_b"].append(k["b"])

    run.trainer = Trainer(objective, optimizer, evaluate=lambda: flat(evaluate(run)), grad_hooks=[modulate])
    run.trainer.step(0)
    return run


def features(run: DominanceRun, data: ImbalancedData, modality: str) -> np.ndarray:
    with torch.no_grad():
        return run.models[f"enc_{modality}"](data.x[modality]).cpu().numpy()


def probe_accuracy(run: DominanceRun, modality: str) -> float:
    """Test accuracy of a logistic-regression probe on the frozen encoder's features."""
    probe = LogisticRegression(max_iter=500).fit(features(run, run.train, modality), run.train.y.cpu().numpy())
    return float(probe.score(features(run, run.test, modality), run.test.y.cpu().numpy()))


def fused_accuracy(run: DominanceRun, drop_a: bool = False) -> float:
    x_a = torch.zeros_like(run.test.x["a"]) if drop_a else run.test.x["a"]
    with torch.no_grad():
        phi = torch.cat([run.models["enc_a"](x_a), run.models["enc_b"](run.test.x["b"])], 1)
        return float((run.models["head"](phi).argmax(1) == run.test.y).float().mean())


def evaluate(run: DominanceRun) -> dict[str, dict[str, float] | float]:
    ga, gb = run.trace["grad_a"], run.trace["grad_b"]
    ratio = float(np.mean(np.array(ga) / np.maximum(np.array(gb), 1e-12))) if ga else float("nan")
    return {
        "probe_accuracy": {"a": probe_accuracy(run, "a"), "b": probe_accuracy(run, "b")},
        "fused_accuracy": fused_accuracy(run),
        "accuracy_without_a": fused_accuracy(run, drop_a=True),
        "grad_norm_ratio": ratio,
    }


def flat(metrics: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def ceilings(config: Config) -> dict[str, float]:
    """Test accuracy of each modality trained alone (its encoder and a linear head, same budget)."""
    device = get_device()
    train, test = draw(config, config.n_train, config.seed).to(device), draw(config, config.n_test, config.seed + 1)
    out = {}
    for u in ("a", "b"):
        torch.manual_seed(config.seed)
        model = torch.nn.Sequential(encoder(train.x[u].shape[1]), torch.nn.Linear(HIDDEN, 2)).to(device)
        opt = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9)
        gen = torch.Generator().manual_seed(config.seed + 5)

        def objective(_: int, model=model, gen=gen, u=u) -> dict[str, torch.Tensor]:
            idx = torch.randint(0, config.n_train, (config.batch,), generator=gen).to(device)
            return {"ce": F.cross_entropy(model(train.x[u][idx]), train.y[idx])}

        Trainer(objective, opt).step(config.steps)
        with torch.no_grad():
            out[u] = float((model(test.x[u].to(device)).argmax(1) == test.y.to(device)).float().mean())
    return out


def run(config: Config) -> dict:
    live = build(config)
    live.trainer.run(config.steps, every=config.steps)
    metrics = evaluate(live)
    metrics["ceiling"] = ceilings(config)
    return {"config": asdict(config), "metrics": metrics}
