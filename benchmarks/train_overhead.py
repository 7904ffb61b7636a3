"""Live training overhead: the synergy lab's Trainer (snapshots as the page takes them) vs a bare loop.

Both train the same six models on the same data with the same optimizer; the Trainer also
evaluates train/test accuracy once per tick of ``STEPS_PER_TICK`` steps, as the page does.
Prints one JSON line: steps/s of each and their ratio; the goal is ``GOALS``. ``--check``: exit 1 on a miss.
"""

import sys
import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from benchmarks.harness import Goal, parse_check, report
from mmplay.labs import synergy
from mmplay.models.gate_heads import MODEL_NAMES

STEPS, STEPS_PER_TICK, REPEATS = 600, 20, 3
GOALS = (Goal("ratio", ">=", 0.8),)


def bare_loop(config: synergy.Config) -> float:
    run = synergy.build(config)  # same data and models; the loop below ignores its trainer
    models, x, y = run.models, run.train.x, run.train.y.unsqueeze(1).expand(-1, len(MODEL_NAMES))
    optimizer = torch.optim.Adam(models.parameters(), lr=config.lr)
    start = time.perf_counter()
    for _ in range(STEPS):
        loss = F.binary_cross_entropy_with_logits(models(x), y, reduction="none").mean(0).sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return STEPS / (time.perf_counter() - start)


def trainer_loop(config: synergy.Config) -> float:
    run = synergy.build(config)
    start = time.perf_counter()
    while run.trainer.steps_done < STEPS:
        run.trainer.step(STEPS_PER_TICK)
    return STEPS / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> int:
    check = parse_check(__doc__, argv)
    torch.set_num_threads(1)
    config = synergy.Config()
    bare_loop(config), trainer_loop(config)  # warm-up
    bare = max(bare_loop(config) for _ in range(REPEATS))
    ours = max(trainer_loop(config) for _ in range(REPEATS))
    result = {
        "bare_steps_per_s": round(bare, 1),
        "trainer_steps_per_s": round(ours, 1),
        "ratio": round(ours / bare, 3),
    }
    return report("train_overhead", result, GOALS, check)


if __name__ == "__main__":
    sys.exit(main())
