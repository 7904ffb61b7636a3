"""A lab run headless, the same code as the page: build, train ``config.steps``, measure, check claims.

``evaluate(lab, config)`` returns the lab's flat metrics at the config's settings plus the numbers
of the heavy extras asked for (``<extra>.<key>``); ``claim_table`` runs every claim on many seeds
and summarises each as ``{"lab", "claim", "text", "seeds", "seeds_holding", "min", "median", "max"}``.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Sequence
from typing import Any

from mmplay.labs.declaration import Claim, Lab, Metrics, Progress, flatten, no_progress

SNAPSHOTS = 10  # a headless run records this many snapshots of its history


def train(lab: Lab, config: Any, device: Any = None) -> Any:
    """Build the lab's run for ``config`` and train it to ``config.steps``."""
    run = lab.build(config, device)
    run.trainer.run(config.steps, every=max(config.steps // SNAPSHOTS, 1))
    return run


def evaluate(
    lab: Lab,
    config: Any,
    device: Any = None,
    extras: Collection[str] | None = None,
    progress: Progress = no_progress,
) -> Metrics:
    """Metrics of a trained run at ``config``'s settings, and of the named extras (all when ``None``)."""
    run = train(lab, config, device)
    metrics = lab.metrics(run, config)
    for extra in lab.extras:
        if extras is None or extra.name in extras:
            metrics.update(flatten(extra.compute(config, run, progress), f"{extra.name}."))
    return metrics


def extras_read_by(lab: Lab, claims: Sequence[Claim]) -> set[str]:
    """The extras whose numbers the claims read (by key prefix; all of them for a derived number)."""
    names = {extra.name for extra in lab.extras}
    if any(claim.value_of is not None for claim in claims):
        return names
    return {name for name in names for claim in claims if claim.key.startswith(f"{name}.")}


def claim_table(lab: Lab, seeds: Sequence[int]) -> list[dict]:
    """Each claim of ``lab`` checked on every seed, at its own settings (defaults otherwise)."""
    groups: dict[tuple, list[Claim]] = {}
    for claim in lab.claims:
        groups.setdefault(claim.settings, []).append(claim)
    per_seed = {
        settings: [
            evaluate(lab, lab.config(**dict(settings), seed=seed), extras=extras_read_by(lab, claims)) for seed in seeds
        ]
        for settings, claims in groups.items()
    }
    rows = []
    for claim in lab.claims:
        runs = per_seed[claim.settings]
        values = [v for v in (claim.value(m) for m in runs) if v is not None]
        rows.append(
            {
                "lab": lab.slug,
                "claim": claim.key,
                "text": claim.text,
                "settings": dict(claim.settings),
                "seeds": len(seeds),
                "seeds_holding": sum(claim.check(m) for m in runs),
                "min": min(values) if values else None,
                "median": statistics.median(values) if values else None,
                "max": max(values) if values else None,
            }
        )
    return rows
