"""Lessons: ordered steps through the labs, read from ``assets/lessons/<name>.toml``.

A lesson file holds its ``order`` among the lessons, ``title``, ``summary`` and a list of ``[[steps]]``,
each with the ``page`` (a lab's slug), the ``settings`` it opens with (knob = value, checked like a URL's),
the parts it ``hide`` s, the ``question`` to put to the class before pressing Play (predict, then see), and
whether it starts training on open (``autoplay``). A step opens as its link would:
:func:`step_query` is that link's query.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mmplay.config import config_to_strings, parse_config
from mmplay.view import View, parse_view, view_to_strings

LESSONS_DIR = Path(__file__).resolve().parents[1] / "assets" / "lessons"


@dataclass(frozen=True)
class LessonStep:
    page: str  # a lab's slug
    settings: tuple[tuple[str, str], ...]  # the knobs it sets, as URL strings
    hide: frozenset[str]
    question: str
    autoplay: bool


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem, used in links: ?lesson=<name>
    title: str
    summary: str
    steps: tuple[LessonStep, ...]


class LessonError(ValueError):
    """A lesson file that names an unknown page, setting or part."""


def _step(name: str, index: int, raw: Mapping[str, Any], configs: Mapping[str, type]) -> LessonStep:
    where = f"lesson {name!r} step {index}"
    page = raw.get("page")
    if page not in configs:
        raise LessonError(f"{where}: unknown page {page!r}")
    settings = {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in raw.get("settings", {}).items()
    }
    config, problems = parse_config(configs[page], settings)
    view, view_problems = parse_view(
        {"hide": ",".join(raw.get("hide", []))}, set(settings) | set(config_to_strings(config))
    )
    if problems or view_problems or not raw.get("question"):
        raise LessonError(f"{where}: " + "; ".join(problems + view_problems or ["no question"]))
    strings = config_to_strings(config)
    return LessonStep(
        page, tuple((key, strings[key]) for key in settings), view.hidden, raw["question"], bool(raw.get("autoplay"))
    )


def load_lesson(path: Path, configs: Mapping[str, type]) -> Lesson:
    """One lesson file, every step checked against ``configs`` ({slug: Config class})."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = tuple(_step(path.stem, i, step, configs) for i, step in enumerate(raw.get("steps", []), start=1))
    if not steps:
        raise LessonError(f"lesson {path.stem!r} has no steps")
    return Lesson(path.stem, raw["title"], raw.get("summary", ""), steps)


@cache
def lessons() -> dict[str, Lesson]:
    """The shipped lessons by name, in their ``order``."""
    from mmplay.labs import LABS  # the labs import torch: only when lessons are first read

    configs = {slug: lab.config for slug, lab in LABS.items()}
    found = sorted(
        (tomllib.loads(p.read_text(encoding="utf-8")).get("order", 0), p) for p in LESSONS_DIR.glob("*.toml")
    )
    return {path.stem: load_lesson(path, configs) for _, path in found}


def step_query(lesson: Lesson, number: int, present: bool = False) -> dict[str, str]:
    """The link's query for step ``number`` (from 1) of ``lesson``: its settings and view."""
    step = lesson.steps[number - 1]
    view = View(step.hide, present, step.autoplay, lesson.name, number)
    return dict(step.settings) | view_to_strings(view)
