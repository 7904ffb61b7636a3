"""A lab run headless, the same code as the page: build, train ``config.steps``, measure, check claims.

``evaluate(lab, config)`` returns the lab's flat metrics at the config's settings plus the numbers
of the heavy extras asked for (``<extra>.<key>``); ``claim_table`` runs every claim on many seeds
(computing an extra only when a claim reads it) and summarises each as
``{"lab", "claim", "text", "seeds", "seeds_holding", "min", "median", "max"}``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from mmplay.config import training_config
from mmplay.labs.declaration import Extra, Lab, Metrics, Progress, flatten, no_progress

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


class LazyMetrics(Mapping[str, float]):
    """A run's metrics whose extras are computed only when a key under ``<extra>.`` is first read.

    ``pending`` maps an extra's name to a function returning its (nested) result.
    """

    def __init__(self, metrics: Metrics, pending: dict[str, Callable[[], dict]]) -> None:
        self._metrics = dict(metrics)
        self._pending = dict(pending)

    def __getitem__(self, key: str) -> float:
        if key not in self._metrics:
            name = next((n for n in self._pending if key.startswith(f"{n}.")), None)
            if name is not None:
                self._metrics.update(flatten(self._pending.pop(name)(), f"{name}."))
        return self._metrics[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)


def _cached(extra: Extra, config: Any, run: Any, results: dict[tuple, dict]) -> Callable[[], dict]:
    """A function computing ``extra`` for ``config`` (and ``run``), or reading it from ``results``."""
    key = extra.key(config) + ((id(run),) if extra.uses_run or extra.uses_training else ())

    def compute() -> dict:
        if key not in results:
            results[key] = extra.compute(config, run, no_progress)
        return results[key]

    return compute


def claim_table(lab: Lab, seeds: Sequence[int]) -> list[dict]:
    """Each claim of ``lab`` checked on every seed, at its own settings (defaults otherwise).

    Claims whose settings differ only in test-time knobs share one trained run; an extra is computed
    only when a claim reads it, once per seed and the fields it depends on.
    """
    rows = []
    per_claim: dict[int, list[LazyMetrics]] = {i: [] for i in range(len(lab.claims))}
    for seed in seeds:
        runs: dict[Any, Any] = {}
        results: dict[tuple, dict] = {}
        for i, claim in enumerate(lab.claims):
            config = lab.config(**dict(claim.settings), seed=seed)
            key = training_config(config)
            if key not in runs:
                runs[key] = train(lab, key)
            run = runs[key]

            pending = {extra.name: _cached(extra, config, run, results) for extra in lab.extras}
            per_claim[i].append(LazyMetrics(lab.metrics(run, config), pending))
    for i, claim in enumerate(lab.claims):
        metrics = per_claim[i]
        values = [v for v in (claim.value(m) for m in metrics) if v is not None]
        rows.append(
            {
                "lab": lab.slug,
                "claim": claim.key,
                "text": str(claim.text),
                "settings": dict(claim.settings),
                "seeds": len(seeds),
                "seeds_holding": sum(claim.check(m) for m in metrics),
                "min": min(values) if values else None,
                "median": statistics.median(values) if values else None,
                "max": max(values) if values else None,
            }
        )
    return rows
