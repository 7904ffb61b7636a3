"""Lab configs: frozen dataclasses whose fields carry their allowed ranges.

Every lab declares its knobs with :func:`knob`; :func:`parse_config` turns untrusted strings
(URL query parameters, ``--set key=value`` on the CLI) into a valid config, replacing each bad
value by its default and reporting why (in the current language: English on the CLI, the session's in the app).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from mmplay.i18n import _

C = TypeVar("C")


def knob(
    default: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    choices: Sequence[Any] | None = None,
    step: float | None = None,
    help: str = "",
    test_time: bool = False,
    cost: str = "",
    log: bool = False,
    only_if: tuple[str, Sequence[Any]] | None = None,
    names: Mapping[Any, str] | None = None,
) -> Any:
    """A dataclass field with its range (``lo ≤ value ≤ hi``, slider ``step``) or ``choices``.

    ``test_time``: the knob re-scores a trained run instead of rebuilding it (bias, corruption, …).
    ``cost``: what work the knob drives, said where it is capped (e.g. "time per step ∝ batch²").
    ``log``: the slider moves on a log scale (learning rates).
    ``only_if``: ``(other knob, values)``: the knob matters only while the other knob holds one of ``values``
    (its widget is disabled otherwise, with the reason).
    ``help`` and ``names`` (what the widget shows for each of the ``choices``; the value itself otherwise) are
    English, marked with ``N_``: the page translates them where it shows them.
    """
    meta = {
        "lo": lo,
        "hi": hi,
        "choices": tuple(choices) if choices else None,
        "step": step,
        "help": help,
        "test_time": test_time,
        "cost": cost,
        "log": log,
        "only_if": (only_if[0], tuple(only_if[1])) if only_if else None,
        "names": dict(names or {}),
    }
    return dataclasses.field(default=default, metadata=meta)


class KnobConflict(ValueError):
    """Knobs that are valid alone but not together; ``fields`` are reset to their defaults."""

    def __init__(self, message: str, fields: Sequence[str]) -> None:
        super().__init__(message)
        self.fields = tuple(fields)


def coerce(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(_("expected true or false"))
    if kind is int:
        as_float = _float(raw)
        if not as_float.is_integer():
            raise ValueError(_("expected a whole number"))
        return int(as_float)
    if kind is float:
        value = _float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(_("expected a finite number"))
        return value
    return str(raw)


def _float(raw: Any) -> float:
    """``float(raw)``; a string that is no number raises ``ValueError`` with Python's message, translated."""
    try:
        return float(raw)
    except ValueError:
        if not isinstance(raw, str):
            raise
        raise ValueError(_("could not convert string to float: {value}", value=repr(raw))) from None


def check_value(field: dataclasses.Field, raw: Any) -> Any:
    """Coerce ``raw`` to the field's type and check its range; raise ``ValueError`` if bad."""
    kind = type(field.default)
    value = coerce(raw, kind)
    meta = field.metadata
    if meta.get("choices") and value not in meta["choices"]:
        raise ValueError(_("must be one of {choices}", choices=", ".join(map(str, meta["choices"]))))
    if meta.get("lo") is not None and value < meta["lo"]:
        raise ValueError(_("must be ≥ {lo}", lo=meta["lo"]))
    if meta.get("hi") is not None and value > meta["hi"]:
        raise ValueError(_("must be ≤ {hi}", hi=meta["hi"]))
    return value


def parse_config(cls: type[C], raw: Mapping[str, Any]) -> tuple[C, list[str]]:
    """Build ``cls`` from untrusted values; bad or unknown keys are reported, not applied.

    Returns:
        ``(config, problems)`` where ``problems`` holds one readable line per rejected value.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key not in fields:
            problems.append(_("unknown setting {key} ignored", key=repr(key)))
            continue
        try:
            values[key] = check_value(fields[key], value)
        except (TypeError, ValueError) as err:
            default = repr(fields[key].default)
            problems.append(
                _(
                    "{key}={value} ignored: {error}; using {default}",
                    key=key,
                    value=repr(value),
                    error=err,
                    default=default,
                )
            )
    try:
        return cls(**values), problems
    except KnobConflict as conflict:
        for name in conflict.fields:
            values.pop(name, None)
        problems.append(
            _("{conflict}; using the defaults of {fields}", conflict=conflict, fields=", ".join(conflict.fields))
        )
        return cls(**values), problems


def training_config(config: C) -> C:
    """``config`` with every ``test_time`` knob at its default: what training depends on."""
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(config)
        if f.metadata.get("test_time")  # type: ignore[arg-type]
    }
    return dataclasses.replace(config, **defaults)  # type: ignore[type-var]


def run_config(config: C) -> C:
    """What a page's run depends on: :func:`training_config` with ``steps`` at its default too (``steps``
    only says where Play stops and how long a headless run trains; building a run never reads it)."""
    config = training_config(config)
    steps = next((f for f in dataclasses.fields(config) if f.name == "steps"), None)  # type: ignore[arg-type]
    return config if steps is None else dataclasses.replace(config, steps=steps.default)  # type: ignore[type-var]


LOG_MANTISSAS = (1.0, 2.0, 3.0, 5.0)  # a log slider's stops in each decade: 0.001, 0.002, 0.003, 0.005, 0.01, …


def slider_step(field: dataclasses.Field) -> float:
    """A float knob's resolution: its ``step``, else the largest m·10ᵏ (m ∈ 1, 2, 5) that cuts its range into
    at least 100 steps (0.01 … 1 → 0.005, not 0.0099, whose multiples print as 0.11889999999999998)."""
    meta = field.metadata
    if meta.get("step"):
        return float(meta["step"])
    hundredth = (meta["hi"] - meta["lo"]) / 100
    exponent = math.floor(math.log10(hundredth))
    return max(float(f"{m}e{exponent}") for m in (1, 2, 5) if float(f"{m}e{exponent}") <= hundredth * (1 + 1e-9))


def decimals(step: float) -> int:
    """Digits after the point that show ``step``: 0.0005 → 4, 0.05 → 2 (at least 2)."""
    return max(2, -math.floor(math.log10(step)))


def log_stops(lo: float, hi: float) -> tuple[float, ...]:
    """A log slider's values: m·10ᵏ for m in (1, 2, 3, 5) with ``lo ≤ m·10ᵏ ≤ hi``, plus ``lo`` and ``hi``."""
    stops = {lo, hi}
    for exponent in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for mantissa in LOG_MANTISSAS:
            value = float(f"{mantissa}e{exponent}")
            if lo <= value <= hi:
                stops.add(value)
    return tuple(sorted(stops))


def at_resolution(field: dataclasses.Field, value: Any) -> Any:
    """``value`` rounded to what its knob can show: a log knob to 3 significant digits, a float slider
    to its step's decimals (so 0.11889999999999998 is 0.12); other values as they are."""
    if not isinstance(field.default, float) or isinstance(value, bool) or field.metadata.get("choices"):
        return value
    if field.metadata.get("log"):
        return float(f"{value:.3g}")
    return round(float(value), decimals(slider_step(field)))


def knob_string(field: dataclasses.Field, value: Any) -> str:
    """One knob's value as it is written in a URL: ``true``/``false``; floats in at most 12 significant digits,
    so a slider's float noise (0.11889999999999998) is not written, yet a value off the slider's grid (a ridge
    of 0.001 on a 0 … 100 knob) is kept exactly."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(float(f"{value:.12g}"))
    return str(value)


def config_to_strings(config: Any) -> dict[str, str]:
    """The config as ``{field: str}`` for URLs (inverse of :func:`parse_config`), floats at their knob's
    resolution."""
    return {f.name: knob_string(f, getattr(config, f.name)) for f in dataclasses.fields(config)}
