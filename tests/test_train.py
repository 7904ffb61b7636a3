"""The Trainer is a plain loop: same numbers as a bare PyTorch loop, hooks run, snapshots count."""

import torch

from mmplay.train import Trainer, history_rows


def _problem(seed: int):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 3, generator=gen)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1
    torch.manual_seed(seed)
    model = torch.nn.Linear(3, 1)
    return x, y, model


def _bare_loop(seed: int, steps: int) -> torch.nn.Linear:
    """The model of ``_problem(seed)`` after ``steps`` plain SGD steps (lr 0.1) on the mean squared error."""
    x, y, bare = _problem(seed)
    opt = torch.optim.SGD(bare.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        ((bare(x).squeeze(-1) - y) ** 2).mean().backward()
        opt.step()
    return bare


def test_matches_a_bare_loop():
    x, y, model = _problem(0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    trainer = Trainer(lambda _: {"mse": ((model(x).squeeze(-1) - y) ** 2).mean()}, opt)
    trainer.step(25)
    bare = _bare_loop(0, 25)
    assert torch.allclose(model.weight, bare.weight) and torch.allclose(model.bias, bare.bias)


def test_snapshots_hooks_and_callbacks():
    x, y, model = _problem(1)
    seen_hooks, seen_snaps = [], []
    trainer = Trainer(
        lambda _: {"mse": ((model(x).squeeze(-1) - y) ** 2).mean()},
        torch.optim.SGD(model.parameters(), lr=0.05),
        evaluate=lambda: {"weight0": float(model.weight[0, 0])},
        grad_hooks=[seen_hooks.append],
        on_step=[seen_snaps.append],
    )
    first = trainer.step(3)
    last = trainer.run(10, every=4)
    assert first.step == 3 and last.step == 10
    assert seen_hooks == list(range(10))
    assert [s.step for s in seen_snaps] == [3, 7, 10]
    assert last.losses["mse"] < first.losses["mse"]
    rows = history_rows(trainer.history)
    assert rows[-1]["step"] == 10 and "loss.mse" in rows[-1] and "weight0" in rows[-1]


def test_a_hook_that_zeroes_gradients_freezes_the_model():
    x, y, model = _problem(2)
    before = model.weight.detach().clone()

    def freeze(_: int) -> None:
        for p in model.parameters():
            p.grad.zero_()

    Trainer(
        lambda _: {"mse": ((model(x).squeeze(-1) - y) ** 2).mean()},
        torch.optim.SGD(model.parameters(), lr=0.1),
        grad_hooks=[freeze],
    ).step(5)
    assert torch.equal(model.weight, before)


def test_a_closed_form_objective_trains_its_later_steps_in_inference_mode_to_the_same_numbers():
    """An objective that writes its gradients itself needs no autograd: after its first step the loop runs in
    ``torch.inference_mode`` (cheaper per operation), and the weights are those of a loop without it."""
    x, y, model = _problem(3)
    modes = []

    def closed_form(_: int) -> dict[str, torch.Tensor]:
        modes.append(torch.is_inference_mode_enabled())
        with torch.no_grad():
            residual = model(x).squeeze(-1) - y  # d/dθ mean(r²) = 2 mean(r ∂r/∂θ)
            model.weight.grad = (2 * residual @ x / len(y)).unsqueeze(0)
            model.bias.grad = (2 * residual.mean()).unsqueeze(0)
            return {"mse": (residual**2).mean()}

    trainer = Trainer(closed_form, torch.optim.SGD(model.parameters(), lr=0.1))
    trainer.step(4)
    assert modes == [False, True, True, True] and trainer.closed_form
    bare = _bare_loop(3, 4)
    assert torch.allclose(model.weight, bare.weight, atol=1e-6) and torch.allclose(model.bias, bare.bias, atol=1e-6)
    assert not torch.is_inference(model.weight) and model(x).requires_grad  # the model still takes autograd


def test_an_autograd_objective_never_runs_in_inference_mode():
    x, y, model = _problem(4)
    modes = []

    def objective(_: int) -> dict[str, torch.Tensor]:
        modes.append(torch.is_inference_mode_enabled())
        return {"mse": ((model(x).squeeze(-1) - y) ** 2).mean()}

    Trainer(objective, torch.optim.SGD(model.parameters(), lr=0.1)).step(3)
    assert modes == [False] * 3
