"""Translation: every string a user sees goes through :func:`_` (gettext catalogs managed with Babel).

The catalogs are ``mmplay/locale/<locale>/LC_MESSAGES/mmplay.po`` (the source, edited by translators) and
their compiled ``mmplay.mo`` (committed: ``make messages`` extracts, merges and compiles them). English is the
source language: its catalog is the code itself.

Which language a call translates into is the *current language*: the one set with :func:`language` (a
context manager, for the CLI and tests), else the one the installed :func:`set_language_source` reports (the
app's: the Streamlit session's choice), else English. This package never imports Streamlit.

Three markers, all found by ``pybabel extract`` (``-k _ -k N_ -k L_``):

- ``_("Noise σ")`` translates now; ``_("≤ {bound:.0%}", bound=0.62)`` translates, then ``str.format`` s the
  named values into the translation (never an f-string inside ``_``: it could not be looked up);
- ``N_("…")`` only marks a module-level constant for extraction; it is translated where it is shown, ``_(text)``;
- ``L_("…", **values)`` is a :class:`LazyText`: a module-level text (a claim, a catalog title) that
  translates each time it is turned into a string, in the language current then.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "mmplay"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}  # code -> its own name, as the switch shows it
LOCALES: dict[str, str] = {"zh": "zh_CN"}  # code -> the catalog's locale folder (English has none)
DEFAULT_LANGUAGE = "en"

_chosen: ContextVar[str | None] = ContextVar("mmplay_language", default=None)
_source: Callable[[], str | None] | None = None


def set_language_source(source: Callable[[], str | None] | None) -> None:
    """Install where the current language comes from when no :func:`language` block is open (the app's session)."""
    global _source
    _source = source


def current_language() -> str:
    """The code of the language :func:`_` translates into now (a key of :data:`LANGUAGES`)."""
    code = _chosen.get()
    if code is None and _source is not None:
        code = _source()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def language(code: str) -> Iterator[None]:
    """Translate into ``code`` inside the block (``with language("zh"): …``)."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; one of {', '.join(LANGUAGES)}")
    token = _chosen.set(code)
    try:
        yield
    finally:
        _chosen.reset(token)


@cache
def catalog(code: str) -> gettext.NullTranslations:
    """The compiled catalog of ``code`` (English, or a language without one: the identity)."""
    if code not in LOCALES:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[LOCALES[code]], fallback=True)


def _(message: str, **values: Any) -> str:
    """``message`` in the current language, with ``values`` formatted in (``str.format``) when given."""
    text = catalog(current_language()).gettext(message) if message else message
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; translate it where it is shown, with :func:`_`."""
    return message


class LazyText:
    """A text translated each time it is made a string: ``str(L_("Gating"))`` is "门控" in a zh session."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, values: dict[str, Any]) -> None:
        self.message = message
        self.values = values

    def __str__(self) -> str:
        return _(self.message, **self.values)

    def __repr__(self) -> str:
        return f"L_({self.message!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyText):
            return (self.message, self.values) == (other.message, other.values)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.message, tuple(sorted(self.values.items()))))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)


def L_(message: str, **values: Any) -> LazyText:
    """A lazily translated text (see :class:`LazyText`), for module-level declarations."""
    return LazyText(message, values)
