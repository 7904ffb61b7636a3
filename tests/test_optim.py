"""The fused optimizers of :mod:`mmplay.optim` give ``torch.optim``'s numbers bit for bit."""

from __future__ import annotations

import pytest
import torch

from mmplay import optim


def _twin_models(seed: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    twin = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    twin.load_state_dict(model.state_dict())
    return model, twin


def _train(model: torch.nn.Module, optimizer, steps: int) -> None:
    gen = torch.Generator().manual_seed(1)
    for step in range(steps):
        optimizer.zero_grad(set_to_none=True)
        x = torch.randn(16, 5, generator=gen)
        loss = model(x).pow(2).mean()
        if step % 3 == 2:  # the last layer sits a step out: no gradient, no update, its step count waits
            loss = model[0](x).relu().sum()
        loss.backward()
        optimizer.step()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda p: optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01, fused=True)),
        (
            lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
            lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, fused=True),
        ),
    ],
    ids=["adam", "sgd"],
)
def test_fused_optimizer_matches_torch_optim_bit_for_bit(ours, theirs) -> None:
    model, twin = _twin_models(0)
    _train(model, ours(list(model.parameters())), steps=12)
    _train(twin, theirs(list(twin.parameters())), steps=12)
    for mine, reference in zip(model.parameters(), twin.parameters()):
        assert torch.equal(mine, reference)
    assert not torch.equal(model[0].weight, _twin_models(0)[0][0].weight)  # it did train
