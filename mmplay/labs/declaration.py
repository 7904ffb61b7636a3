"""One declaration per lab: what it is, what it trains, what it measures and what it claims.

A :class:`Lab` ties together a lab's catalog entry (title, question), its ``Config``, ``build``
(config → a run with a ``trainer``), ``metrics`` (run, config → one flat ``{"group.name": float}``),
its :class:`Claim` s and its heavy :class:`Extra` s. The pages, the CLI (``run``, ``claims``,
``readme``), the export and the README's Labs table are all derived from it. Nothing here imports
torch, so the catalog can be read by the home page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mmplay.i18n import LazyText

Metrics = dict[str, float]
Progress = Callable[[float], None]  # called with the fraction done, 0 … 1


def no_progress(_: float) -> None:
    """A progress callback that shows nothing (headless runs)."""


@dataclass(frozen=True)
class CatalogEntry:
    """How a lab appears in the navigation and on the home page."""

    slug: str  # URL path, page file name (app_pages/<slug>.py) and module name (mmplay.labs.<slug>)
    title: LazyText  # navigation title (``L_``: str() it where it is shown)
    icon: str  # emoji beside the title
    pillar: LazyText  # "Why combine", "Representation & alignment", "Fusion" or "Robustness"
    question: LazyText  # the one question the lab answers


@dataclass(frozen=True)
class Claim:
    """A statement about one number, with its threshold in ``text``, checked on seeds 0–19.

    The number is ``metrics[key]``, or ``value_of(metrics)`` for a derived one (a difference);
    ``settings`` are the knobs changed from the defaults for this claim (e.g. ``{"bias": 1.0}``).
    """

    key: str  # the metric key it reads, or the name of the derived number
    text: LazyText  # what is claimed, stating the threshold (``L_``: str() it where it is shown)
    holds: Callable[[float], bool]
    settings: tuple[tuple[str, Any], ...] = ()
    value_of: Callable[[Metrics], float] | None = None

    def value(self, metrics: Mapping[str, float]) -> float | None:
        """The claimed number in ``metrics``, or ``None`` when it is not there."""
        if self.value_of is not None:
            try:
                return float(self.value_of(metrics))
            except KeyError:
                return None
        return metrics.get(self.key)

    def check(self, metrics: Mapping[str, float]) -> bool:
        value = self.value(metrics)
        return value is not None and bool(self.holds(value))


def _claim(key: str, text: LazyText, holds: Callable[[float], bool], settings: Mapping[str, Any] | None, of) -> Claim:
    return Claim(key, text, holds, tuple(sorted((settings or {}).items())), of)


def at_least(
    key: str, bound: float, text: LazyText, settings: Mapping[str, Any] | None = None, of: Callable | None = None
) -> Claim:
    """The number ``≥ bound``."""
    return _claim(key, text, lambda value: value >= bound, settings, of)


def at_most(
    key: str, bound: float, text: LazyText, settings: Mapping[str, Any] | None = None, of: Callable | None = None
) -> Claim:
    """The number ``≤ bound``."""
    return _claim(key, text, lambda value: value <= bound, settings, of)


def between(
    key: str,
    lo: float,
    hi: float,
    text: LazyText,
    settings: Mapping[str, Any] | None = None,
    of: Callable | None = None,
) -> Claim:
    """``lo ≤`` the number ``≤ hi``."""
    return _claim(key, text, lambda value: lo <= value <= hi, settings, of)


def difference(first: str, second: str) -> Callable[[Metrics], float]:
    """``metrics[first] − metrics[second]``, for a claim about a gap."""
    return lambda metrics: metrics[first] - metrics[second]


@dataclass(frozen=True)
class Extra:
    """Heavy work beyond the live run: a sweep, ceilings, a p-value.

    ``compute(config, run, progress)`` returns nested numbers (and lists for figures); its numeric
    leaves join the lab's metrics under ``<name>.``. Its result depends only on the ``depends_on``
    fields of the config (and on the run, or its trained state, when it says so), which key its cache.
    """

    name: str  # metric prefix and cache name, e.g. "sweep"
    label: LazyText  # what the page's button says it does, with its cost, e.g. "Train 15 models (≈ 15 s)"
    depends_on: tuple[str, ...]  # the config fields its result depends on
    compute: Callable[[Any, Any, Progress], dict]
    uses_run: bool = False  # reads the live run's data (so cached per run)
    uses_training: bool = False  # reads the run's trained models (so cached per run and step)
    auto: Callable[[Any], bool] | None = None  # config -> computed on the page's first view (quick work only)

    def starts_itself(self, config: Any) -> bool:
        """Whether the page computes it without being asked: declared ``auto`` and quick at ``config``."""
        return self.auto is not None and bool(self.auto(config))

    def key(self, config: Any) -> tuple:
        """The cache key: the values of the fields it depends on."""
        return (self.name, *(getattr(config, field) for field in self.depends_on))


@dataclass(frozen=True)
class Lab:
    """Everything one lab declares; see the module docstring."""

    entry: CatalogEntry
    config: type  # the frozen Config dataclass (fields made with mmplay.config.knob)
    build: Callable[..., Any]  # (config, device=None) -> run with a .trainer
    metrics: Callable[[Any, Any], Metrics]  # (run, config) -> flat metrics at the config's test-time settings
    claims: tuple[Claim, ...]
    extras: tuple[Extra, ...] = ()
    default_speed: int = 20  # optimizer steps per tick on the page

    @property
    def slug(self) -> str:
        return self.entry.slug


def flatten(nested: Mapping[str, Any], prefix: str = "") -> Metrics:
    """Numeric leaves of nested dicts as ``{"a.b.c": float}``; lists, strings and None are skipped."""
    flat: Metrics = {}
    for key, value in nested.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, int | float):  # bool included
            flat[name] = float(value)
    return flat


def nested(flat: Mapping[str, float], group: str) -> dict[str, float]:
    """The members of one group: ``{"acc.a": 1, "acc.b": 2}, "acc" -> {"a": 1, "b": 2}``."""
    prefix = f"{group}."
    return {key[len(prefix) :]: value for key, value in flat.items() if key.startswith(prefix)}


def config_dict(config: Any) -> dict[str, Any]:
    """The config as a plain dict (for JSON)."""
    return dataclasses.asdict(config)
