"""A Babel extractor for lesson files: the texts a class reads (``title``, ``summary``, each step's ``question``).

``babel.cfg`` maps ``assets/lessons/*.toml`` to :func:`extract_lessons`, so ``make messages`` puts them in the
catalog beside the code's strings; the pages show them through ``_()``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import IO, Any

LESSON_TEXTS = ("title", "summary")
STEP_TEXTS = ("question",)


def _line_of(text: str, lines: list[str]) -> int:
    """The 1-based line of the TOML source holding ``text`` (its first 40 characters), for the catalog's reference."""
    probe = text[:40]
    return next((number for number, line in enumerate(lines, start=1) if probe in line), 1)


def extract_lessons(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extractor protocol: ``(line, funcname, message, comments)`` for each text of one lesson file."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    lesson = tomllib.loads(source)
    texts = [lesson[key] for key in LESSON_TEXTS if lesson.get(key)]
    texts += [step[key] for step in lesson.get("steps", []) for key in STEP_TEXTS if step.get(key)]
    for text in texts:
        yield _line_of(text, lines), "_", text, []
