"""Contrastive training throughput: pairs/s of the lab's Trainer vs a bare PyTorch loop, same process.

Same encoders, same InfoNCE loss, same data; the Trainer also takes a snapshot (recall@1 on the
held-out pairs) every 50 steps, as a live page would. Batch 256 on CPU; with CUDA present, also
batch 4,096 on the GPU. Prints one JSON line per device; the goal is ``GOALS``, on each device.
``--check``: exit 1 on a miss on any device.
"""

import sys
import time
from collections.abc import Sequence

import torch

from benchmarks.harness import Goal, parse_check, report
from mmplay.align.contrastive import info_nce
from mmplay.labs import contrastive

STEPS, EVERY = 200, 50
GOALS = (Goal("ratio", ">=", 0.9),)


def bare(run: contrastive.ContrastiveRun, batch: int, device: torch.device) -> float:
    enc = run.encoders
    optimizer = torch.optim.Adam(list(enc.parameters()) + [run.loss.log_temperature], lr=run.config.lr)
    gen = torch.Generator().manual_seed(0)
    x_a, x_b = run.train.x["a"], run.train.x["b"]
    start = time.perf_counter()
    for _ in range(STEPS):
        idx = torch.randint(0, len(x_a), (batch,), generator=gen).to(device)
        loss = info_nce(enc["a"](x_a[idx]), enc["b"](x_b[idx]), run.loss.temperature)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return STEPS * batch / (time.perf_counter() - start)


def ours(run: contrastive.ContrastiveRun, batch: int, device: torch.device) -> float:
    start = time.perf_counter()
    while run.trainer.steps_done < STEPS:
        run.trainer.step(EVERY)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return STEPS * batch / (time.perf_counter() - start)


def measure(device: torch.device, batch: int, check: bool) -> int:
    """Time both loops on ``device``, print the JSON line, return its exit code."""
    config = contrastive.Config(batch=batch, n_train=max(4000, 2 * batch))
    bare(contrastive.build(config, device), batch, device)  # warm-up
    bare_rate = bare(contrastive.build(config, device), batch, device)
    our_rate = ours(contrastive.build(config, device), batch, device)
    result = {
        "device": str(device),
        "batch": batch,
        "bare_pairs_per_s": round(bare_rate),
        "trainer_pairs_per_s": round(our_rate),
        "ratio": round(our_rate / bare_rate, 3),
    }
    return report("contrastive_throughput", result, GOALS, check)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    code = measure(torch.device("cpu"), 256, check)
    if torch.cuda.is_available():
        code = max(code, measure(torch.device("cuda"), 4096, check))
    return code


if __name__ == "__main__":
    sys.exit(main())
