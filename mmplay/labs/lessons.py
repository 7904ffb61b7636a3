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
from mmplay.labs import LAB_NAMES
from mmplay.view import View, parse_view, view_to_strings

LESSONS_DIR = Path(__file__).resolve().parents[2] / "assets" / "lessons"


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


def _settings(raw: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in raw.items()}


def _step(name: str, index: int, raw: Mapping[str, Any], configs: Mapping[str, type] | None) -> LessonStep:
    """One step; with ``configs`` its settings and hidden knobs are checked like a link's, and written as a
    link writes them (without, only the page and the question are checked: the page checks the rest)."""
    where = f"lesson {name!r} step {index}"
    page = raw.get("page")
    if page not in LAB_NAMES:
        raise LessonError(f"{where}: unknown page {page!r}")
    settings = _settings(raw.get("settings", {}))
    hide = ",".join(raw.get("hide", []))
    problems = [] if raw.get("question") else ["no question"]
    if configs is not None:
        config, config_problems = parse_config(configs[page], settings)
        strings = config_to_strings(config)
        view, view_problems = parse_view({"hide": hide}, list(strings))
        problems += config_problems + view_problems
        settings = {key: strings[key] for key in settings}
    else:
        view, _ = parse_view({"hide": hide}, list(settings) + [part for part in hide.split(",")])
    if problems:
        raise LessonError(f"{where}: " + "; ".join(problems))
    return LessonStep(page, tuple(settings.items()), view.hidden, raw["question"], bool(raw.get("autoplay")))


def load_lesson(path: Path, configs: Mapping[str, type] | None = None) -> Lesson:
    """One lesson file; with ``configs`` ({slug: Config class}) every step's settings are checked too."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = tuple(_step(path.stem, i, step, configs) for i, step in enumerate(raw.get("steps", []), start=1))
    if not steps:
        raise LessonError(f"lesson {path.stem!r} has no steps")
    return Lesson(path.stem, raw["title"], raw.get("summary", ""), steps)


@cache
def lessons() -> dict[str, Lesson]:
    """The shipped lessons by name, in their ``order``. Read without importing the labs (torch), so the home
    page stays light; the tests load them with every setting checked, and a page checks its link on open."""
    found = sorted(
        (tomllib.loads(p.read_text(encoding="utf-8")).get("order", 0), p) for p in LESSONS_DIR.glob("*.toml")
    )
    return {path.stem: load_lesson(path) for _, path in found}


def step_query(lesson: Lesson, number: int, present: bool = False) -> dict[str, str]:
    """The link's query for step ``number`` (from 1) of ``lesson``: its settings and view."""
    step = lesson.steps[number - 1]
    view = View(step.hide, present, step.autoplay, lesson.name, number)
    return dict(step.settings) | view_to_strings(view)
