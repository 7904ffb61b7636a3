"""Lab configs: frozen dataclasses whose fields carry their allowed ranges.

Every lab declares its knobs with :func:`knob`; :func:`parse_config` turns untrusted strings
(URL query parameters, ``--set key=value`` on the CLI) into a valid config, replacing each bad
value by its default and reporting why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

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
) -> Any:
    """A dataclass field with its range (``lo ≤ value ≤ hi``, slider ``step``) or ``choices``.

    ``test_time``: the knob re-scores a trained run instead of rebuilding it (bias, corruption, …).
    ``cost``: what work the knob drives, said where it is capped (e.g. "time per step ∝ batch²").
    ``log``: the slider moves on a log scale (learning rates).
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
    }
    return dataclasses.field(default=default, metadata=meta)


class KnobConflict(ValueError):
    """Knobs that are valid alone but not together; ``fields`` are reset to their defaults."""

    def __init__(self, message: str, fields: Sequence[str]) -> None:
        super().__init__(message)
        self.fields = tuple(fields)


def _coerce(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError("expected true or false")
    if kind is int:
        as_float = float(raw)
        if not as_float.is_integer():
            raise ValueError("expected a whole number")
        return int(as_float)
    if kind is float:
        value = float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("expected a finite number")
        return value
    return str(raw)


def check_value(field: dataclasses.Field, raw: Any) -> Any:
    """Coerce ``raw`` to the field's type and check its range; raise ``ValueError`` if bad."""
    kind = type(field.default)
    value = _coerce(raw, kind)
    meta = field.metadata
    if meta.get("choices") and value not in meta["choices"]:
        raise ValueError(f"must be one of {', '.join(map(str, meta['choices']))}")
    if meta.get("lo") is not None and value < meta["lo"]:
        raise ValueError(f"must be ≥ {meta['lo']}")
    if meta.get("hi") is not None and value > meta["hi"]:
        raise ValueError(f"must be ≤ {meta['hi']}")
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
            problems.append(f"unknown setting {key!r} ignored")
            continue
        try:
            values[key] = check_value(fields[key], value)
        except (TypeError, ValueError) as err:
            problems.append(f"{key}={value!r} ignored: {err}; using {fields[key].default!r}")
    try:
        return cls(**values), problems
    except KnobConflict as conflict:
        for name in conflict.fields:
            values.pop(name, None)
        problems.append(f"{conflict}; using the defaults of {', '.join(conflict.fields)}")
        return cls(**values), problems


def training_config(config: C) -> C:
    """``config`` with every ``test_time`` knob at its default: what training depends on."""
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(config)
        if f.metadata.get("test_time")  # type: ignore[arg-type]
    }
    return dataclasses.replace(config, **defaults)  # type: ignore[type-var]


def config_to_strings(config: Any) -> dict[str, str]:
    """The config as ``{field: str}`` for URLs (inverse of :func:`parse_config`)."""
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in dataclasses.asdict(config).items()}
