"""The page's verdicts: each declared claim, checked on the live run — never before training.

A claim is stated for the lab's defaults (plus its own ``settings``); it is checked here only when the
user's settings are those (seed and steps aside) and the run has trained; other claims are listed
with a link that opens their settings.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import streamlit as st

from mmplay.config import config_to_strings
from mmplay.i18n import _
from mmplay.labs.declaration import Claim, Lab
from mmplay.ui.language import language_param

FREE_FIELDS = ("seed", "steps")  # claims hold on every seed; steps is the headless budget


@functools.lru_cache(maxsize=1024)
def applies(claim: Claim, lab: Lab, config: Any) -> bool:
    """Whether ``config`` is the claim's setting: the defaults with ``claim.settings``, seed and steps aside."""
    wanted = dataclasses.asdict(lab.config(**dict(claim.settings)))
    current = dataclasses.asdict(config)
    return all(current[k] == v for k, v in wanted.items() if k not in FREE_FIELDS)


def claim_link(lab: Lab, claim: Claim, config: Any) -> str:
    """A relative link that opens the lab at the claim's settings (keeping the seed)."""
    settings = config_to_strings(lab.config(**dict(claim.settings), seed=config.seed))
    return f"{lab.slug}?" + "&".join(f"{k}={v}" for k, v in (settings | language_param()).items())


def claim_lines(lab: Lab, config: Any, metrics: Mapping[str, float], steps_done: int) -> list[str]:
    """One Markdown line per claim: those that apply now ✅ / ❌ with their number (⏳ before training),
    the rest with a link to their settings."""
    here = [c for c in lab.claims if applies(c, lab, config)]
    first = _("Press **▶ Play**: these are checked once the models have trained.")
    lines = [first] if steps_done == 0 and here else []
    for claim in here:
        value = claim.value(metrics) if steps_done else None
        if steps_done == 0:
            lines.append(f"⏳ {claim.text}")
        elif value is None:
            lines.append(_("⏳ {claim} — needs the computation below", claim=claim.text))
        else:
            mark = "✅" if claim.holds(value) else _("❌ not (yet)")
            lines.append(
                _(
                    "{mark} {claim} — now **{value:.3f}** (step {step})",
                    mark=mark,
                    claim=claim.text,
                    value=value,
                    step=steps_done,
                )
            )
    for claim in lab.claims:
        if claim not in here:
            settings = ", ".join(f"{k} = {v}" for k, v in claim.settings) or _("the defaults")
            link = claim_link(lab, claim, config)
            lines.append(_("↗ {claim} — at [{settings}]({link})", claim=claim.text, settings=settings, link=link))
    return lines


def claims_panel(lab: Lab, config: Any, metrics: Mapping[str, float], steps_done: int) -> None:
    """The claims in a collapsed expander, as one Markdown block (one element to send per live tick)."""
    title = _("📏 The lab's claims ({count}), each checked on seeds 0–19", count=len(lab.claims))
    with st.expander(title, expanded=False):
        st.markdown("\n\n".join(claim_lines(lab, config, metrics, steps_done)))
