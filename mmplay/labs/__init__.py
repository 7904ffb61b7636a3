"""Headless experiments, one per lab: a frozen Config in, a result with ``metrics`` out."""

from __future__ import annotations

import importlib
from types import ModuleType

LAB_NAMES = ("synergy", "alignment", "contrastive", "fusion", "experts", "gating", "missing", "dominance")


def load_lab(name: str) -> ModuleType:
    """The lab module ``mmplay.labs.<name>`` (it defines ``Config`` and ``run``)."""
    if name not in LAB_NAMES:
        raise KeyError(f"unknown lab {name!r}; choose from {', '.join(LAB_NAMES)}")
    return importlib.import_module(f"mmplay.labs.{name}")
