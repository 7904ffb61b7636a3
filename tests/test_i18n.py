"""The Chinese catalog: complete, placeholders intact, compiled, and the lab texts translated whole.

Completeness is checked against a fresh extraction (Babel, with ``babel.cfg``), so a string added to the code
without a translation fails here, not silently in a classroom.
"""

from __future__ import annotations

import ast
import gettext
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from mmplay.i18n import DOMAIN, L_, LOCALE_DIR, LOCALES, _, current_language, language
from mmplay.labs import LAB_NAMES

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "L_": None}
PO = LOCALE_DIR / LOCALES["zh"] / "LC_MESSAGES" / f"{DOMAIN}.po"
PLOTLY_TOKEN = re.compile(r"%\{[^}]*\}")


@cache
def extracted() -> dict[str, str]:
    """Every message the code and the lessons hold: ``{msgid: "file:line"}``."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message if isinstance(message, str) else message[0], f"{filename}:{line}")
    return found


@cache
def chinese() -> dict[str, object]:
    with open(PO, "rb") as po:
        return {message.id: message for message in read_po(po) if message.id}


def fields(text: str) -> list[str]:
    """The ``str.format`` fields of ``text`` (name and spec), sorted; plotly's ``%{x}`` tokens counted apart."""
    bare = PLOTLY_TOKEN.sub("", text)
    try:
        parsed = [f"{name}:{spec}" for _lit, name, spec, _conv in string.Formatter().parse(bare) if name is not None]
    except ValueError:
        parsed = ["<unparsable>"]
    return sorted(parsed) + sorted(PLOTLY_TOKEN.findall(text))


def test_extraction_finds_the_code_and_the_lessons():
    where = extracted().values()
    assert any(place.startswith("app_pages/synergy.py") for place in where)
    assert any(place.startswith("assets/lessons/") for place in where)
    assert len(extracted()) > 300


def test_every_message_has_a_chinese_translation():
    catalog = chinese()
    missing = [f"{place}: {msgid!r}" for msgid, place in extracted().items() if not catalog.get(msgid)]
    empty = [
        f"{place}: {msgid!r}"
        for msgid, place in extracted().items()
        if catalog.get(msgid) and not catalog[msgid].string
    ]
    fuzzy = [msgid for msgid, message in catalog.items() if message.fuzzy]
    assert not missing, "not in the catalog (run `make messages`):\n" + "\n".join(missing)
    assert not empty, "no Chinese yet:\n" + "\n".join(empty)
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_placeholders_are_the_same_in_both_languages():
    wrong = [
        f"{msgid!r} -> {message.string!r}"
        for msgid, message in chinese().items()
        if message.string and fields(msgid) != fields(message.string)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_obsolete_messages_linger():
    stale = sorted(set(chinese()) - set(extracted()))
    assert not stale, f"in the catalog but no longer in the code (run `make messages`): {stale}"


def test_compiled_catalog_matches_its_source():
    with open(PO.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # noqa: SLF001  (the whole table, to compare)
    source = {msgid: message.string for msgid, message in chinese().items() if message.string}
    assert {key: value for key, value in compiled.items() if key} == source, "run `make messages` (compile)"


def marker_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS and node.args:
            yield node


APPLICATION_CODE = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("mmplay/**/*.py")]
)


@pytest.mark.parametrize("path", APPLICATION_CODE)
def test_markers_get_a_plain_string_never_an_f_string(path):
    """``_(f"…")`` could never be looked up: its text is made before the catalog sees it."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    bad = [
        f"{path}:{call.lineno}"
        for call in marker_calls(tree)
        if isinstance(call.args[0], ast.JoinedStr)
        or (isinstance(call.args[0], ast.BinOp) and isinstance(call.args[0].op, ast.Mod))
    ]
    assert not bad


def test_translation_formats_values_into_the_chinese_text():
    message = "{mark} {claim} — now **{value:.3f}** (step {step})"
    with language("zh"):
        text = _(message, mark="✅", claim="x", value=0.98765, step=12)
    assert text == chinese()[message].string.format(mark="✅", claim="x", value=0.98765, step=12)
    assert "0.988" in text and "12" in text and "当前" in text
    assert _(message, mark="✅", claim="x", value=0.5, step=3) == "✅ x — now **0.500** (step 3)"


def test_lazy_text_speaks_the_language_current_when_shown():
    claim = L_("an MLP on [x, y] reaches ≥ {bound:.0%}", bound=0.98)
    assert str(claim) == "an MLP on [x, y] reaches ≥ 98%"
    with language("zh"):
        assert current_language() == "zh"
        assert str(claim) == "[x, y] 上的 MLP 达到 ≥ 98%"
    assert current_language() == "en"
    with pytest.raises(ValueError, match="unknown language"), language("fr"):
        pass


@pytest.mark.parametrize("lab", LAB_NAMES)
def test_every_lab_text_is_translated_whole(lab):
    """``assets/labs/zh/<lab>.md``: the same headings and list items as the English, in Chinese."""
    english = (ROOT / "assets" / "labs" / f"{lab}.md").read_text(encoding="utf-8")
    translated = (ROOT / "assets" / "labs" / "zh" / f"{lab}.md").read_text(encoding="utf-8")

    def outline(text: str) -> list[str]:
        return [line.split(" ")[0] for line in text.splitlines() if re.match(r"^(#+|[-*]|\d+\.) ", line)]

    assert outline(translated) == outline(english)
    letters = [c for c in translated if c.isalpha()]
    assert sum("\u4e00" <= c <= "\u9fff" for c in letters) / len(letters) >= 0.6


def import_time_calls(tree: ast.AST):
    """``_()`` calls that run when the module is imported (outside any function or lambda)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            yield node
        stack.extend(ast.iter_child_nodes(node))


@pytest.mark.parametrize("path", [path for path in APPLICATION_CODE if path.startswith("mmplay/")])
def test_library_modules_never_translate_at_import(path):
    """A ``_()`` run at import would freeze one language for every session (pages are scripts, run per session:
    they may). Module-level texts use ``N_`` or ``L_``."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert not [f"{path}:{call.lineno}" for call in import_time_calls(tree)]
