"""How a page is shown, read from a lesson link: hidden parts, presentation mode, autoplay, lesson step.

A link is a lab's knobs plus these reserved query parameters:

- ``hide=a,b,…`` — knob names (their widgets are hidden; the values still apply) or the parts
  ``sidebar``, ``text`` (the explanation), ``predict`` (the predict-first question), ``export``;
- ``present=1`` — presentation mode: sidebar collapsed, explanation open, larger type;
- ``autoplay=1`` — training starts when the page opens;
- ``lesson=<name>&step=<k>`` — the page is step k (from 1) of a shipped lesson;
- ``speed=<k>`` — optimizer steps per tick of Play, one of :data:`SPEEDS` (written when not the lab's default);
- ``lang=zh|en`` — the interface's language (read by :mod:`mmplay.ui.language`, not part of the view).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from mmplay.config import coerce
from mmplay.i18n import _

PARTS = ("sidebar", "text", "predict", "export")  # page parts ``hide=`` can name besides knobs
VIEW_KEYS = ("hide", "present", "autoplay", "lesson", "step", "speed", "lang")  # query parameters that are not knobs
SPEEDS = (1, 2, 5, 10, 20, 50)  # optimizer steps per tick of Play


@dataclass(frozen=True)
class View:
    """The reserved parameters of a link, validated."""

    hidden: frozenset[str] = field(default_factory=frozenset)  # knob names and PARTS
    present: bool = False
    autoplay: bool = False
    lesson: str | None = None
    step: int | None = None  # 1-based
    speed: int | None = None  # steps per tick; None: the lab's default

    def hides(self, part: str) -> bool:
        return part in self.hidden


def split_query(raw: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``(knobs, view)``: the query's lab settings and its reserved view parameters."""
    knobs = {k: v for k, v in raw.items() if k not in VIEW_KEYS}
    view = {k: v for k, v in raw.items() if k in VIEW_KEYS}
    return knobs, view


def parse_view(raw: Mapping[str, str], knobs: Collection[str]) -> tuple[View, list[str]]:
    """The :class:`View` a link asks for; names it does not know are reported (in the current language), not applied.

    ``knobs``: the lab's knob names (what ``hide=`` may name besides :data:`PARTS`).
    """
    problems: list[str] = []
    hidden: set[str] = set()
    for name in filter(None, (part.strip() for part in raw.get("hide", "").split(","))):
        if name in PARTS or name in knobs:
            hidden.add(name)
        else:
            problems.append(
                _(
                    "hide={value} ignored: not a setting of this lab nor one of {parts}",
                    value=repr(name),
                    parts=", ".join(PARTS),
                )
            )
    flags: dict[str, bool] = {}
    for key in ("present", "autoplay"):
        try:
            flags[key] = bool(coerce(raw.get(key, "0"), bool))
        except ValueError as err:
            problems.append(_("{key}={value} ignored: {error}", key=key, value=repr(raw[key]), error=err))
            flags[key] = False
    step = whole_number(raw, "step", problems)
    speed = whole_number(raw, "speed", problems)
    if speed is not None and speed not in SPEEDS:
        problems.append(
            _(
                "speed={value} ignored: steps per tick is one of {speeds}",
                value=speed,
                speeds=", ".join(map(str, SPEEDS)),
            )
        )
        speed = None
    view = View(frozenset(hidden), flags["present"], flags["autoplay"], raw.get("lesson") or None, step, speed)
    return view, problems


def whole_number(raw: Mapping[str, str], key: str, problems: list[str]) -> int | None:
    """``raw[key]`` as an int; ``None`` when absent, or when not a whole number (then reported in ``problems``)."""
    if key not in raw:
        return None
    try:
        return int(coerce(raw[key], int))
    except ValueError as err:
        problems.append(_("{key}={value} ignored: {error}", key=key, value=repr(raw[key]), error=err))
        return None


def view_to_strings(view: View) -> dict[str, str]:
    """The view as query parameters (only what differs from a plain page), inverse of :func:`parse_view`."""
    out: dict[str, str] = {}
    if view.hidden:
        out["hide"] = ",".join(sorted(view.hidden))
    if view.present:
        out["present"] = "1"
    if view.autoplay:
        out["autoplay"] = "1"
    if view.lesson is not None:
        out["lesson"] = view.lesson
        if view.step is not None:
            out["step"] = str(view.step)
    if view.speed is not None:
        out["speed"] = str(view.speed)
    return out
