"""README.md's Labs table, written from the lab declarations (``python -m mmplay readme``).

The table sits between ``<!-- labs:begin -->`` and ``<!-- labs:end -->``; one row per lab with its
question and every claim ``make claims`` checks on seeds 0–19, as the declaration states it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mmplay.i18n import _
from mmplay.labs.declaration import Claim, Lab

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN, END = "<!-- labs:begin -->", "<!-- labs:end -->"


def _claim_text(claim: Claim) -> str:
    settings = ", ".join(f"{k} = {v}" for k, v in claim.settings)
    return f"{claim.text} *({settings})*" if settings else str(claim.text)


def labs_table(labs: Iterable[Lab]) -> str:
    """The Markdown table: lab, its question, its claims (each holds on seeds 0–19), in the current language
    (English for README.md: the CLI sets none)."""
    lines = [_("| lab | question | claims, each checked on seeds 0–19 by `make claims` |"), "|---|---|---|"]
    for lab in labs:
        claims = "<br>".join(f"• {_claim_text(c)}" for c in lab.claims)
        lines.append(f"| {lab.entry.icon} {lab.entry.title} | {lab.entry.question} | {claims} |")
    return "\n".join(lines)


def replace_labs_table(text: str, table: str) -> str:
    """``text`` with the part between the markers replaced by ``table``.

    Raises:
        ValueError: the markers are missing.
    """
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs the markers {BEGIN} and {END} around the Labs table")
    return f"{text[: start + len(BEGIN)]}\n{table}\n{text[end:]}"
