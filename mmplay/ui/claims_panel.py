"""The page's verdicts: each declared claim, checked on the live run — never before training.

A claim is stated for the lab's defaults (plus its own ``settings``); it is checked here only when the
user's settings are those (seed and steps aside) and the run has trained; other claims are listed
with a link that opens their settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import streamlit as st

from mmplay.config import config_to_strings
from mmplay.labs.declaration import Claim, Lab

FREE_FIELDS = ("seed", "steps")  # claims hold on every seed; steps is the headless budget


def applies(claim: Claim, lab: Lab, config: Any) -> bool:
    """Whether ``config`` is the claim's setting: the defaults with ``claim.settings``, seed and steps aside."""
    wanted = dataclasses.asdict(lab.config(**dict(claim.settings)))
    current = dataclasses.asdict(config)
    return all(current[k] == v for k, v in wanted.items() if k not in FREE_FIELDS)


def claim_link(lab: Lab, claim: Claim, config: Any) -> str:
    """A relative link that opens the lab at the claim's settings (keeping the seed)."""
    settings = config_to_strings(lab.config(**dict(claim.settings), seed=config.seed))
    return f"{lab.slug}?" + "&".join(f"{k}={v}" for k, v in settings.items())


def claims_panel(lab: Lab, config: Any, metrics: Mapping[str, float], steps_done: int) -> None:
    """Claims that apply now, each ✅ / ❌ with its number; the rest listed with a link to their settings."""
    here = [c for c in lab.claims if applies(c, lab, config)]
    elsewhere = [c for c in lab.claims if c not in here]
    with st.expander(f"📏 The lab's claims ({len(lab.claims)}), each checked on seeds 0–19", expanded=False):
        if steps_done == 0 and here:
            st.markdown("Press **▶ Play**: these are checked once the models have trained.")
        for claim in here:
            value = claim.value(metrics) if steps_done else None
            if steps_done == 0:
                st.markdown(f"⏳ {claim.text}")
            elif value is None:
                st.markdown(f"⏳ {claim.text} — needs the computation below")
            else:
                mark = "✅" if claim.holds(value) else "❌ not (yet)"
                st.markdown(f"{mark} {claim.text} — now **{value:.3f}** (step {steps_done})")
        for claim in elsewhere:
            settings = ", ".join(f"{k} = {v}" for k, v in claim.settings) or "the defaults"
            st.markdown(f"↗ {claim.text} — at [{settings}]({claim_link(lab, claim, config)})")
