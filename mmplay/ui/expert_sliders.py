"""The Experts page's closed-form playground in the URL: ``experts=μ:σ:π,μ:σ:π[,…]`` (2 to 4 experts), so a
lesson link can open it at a chosen set of Gaussians."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from mmplay.i18n import _
from mmplay.ui.url_state import query, write_page_param

PARAM = "experts"
COUNT_KEY = "experts.count"
MIN_EXPERTS, MAX_EXPERTS = 2, 4
RANGES = {"mu": (-5.0, 5.0), "sd": (0.2, 3.0), "pi": (0.05, 1.0)}  # each slider's range
STEPS = {"mu": 0.1, "sd": 0.1, "pi": 0.05}
DEFAULTS = [(-1.0, 1.0), (2.0, 0.8), (0.5, 1.5), (3.5, 0.6)]  # (μ, σ) of experts 1–4; π starts at 1 / count


def parse_experts(raw: str) -> list[tuple[float, float, float]]:
    """``"μ:σ:π,…"`` → ``[(μ, σ, π), …]``; a ValueError says what is wrong (count, format, range)."""
    experts = []
    for part in raw.split(","):
        values = part.split(":")
        if len(values) != 3:
            raise ValueError(_("{part} is not μ:σ:π", part=repr(part)))
        try:
            expert = tuple(float(v) for v in values)
        except ValueError as err:
            raise ValueError(_("{part} is not three numbers", part=repr(part))) from err
        for name, value in zip(RANGES, expert):
            lo, hi = RANGES[name]
            if not lo <= value <= hi:
                raise ValueError(
                    _("{name} = {value:g} is outside {lo:g} … {hi:g}", name=name, value=value, lo=lo, hi=hi)
                )
        experts.append(expert)
    if not MIN_EXPERTS <= len(experts) <= MAX_EXPERTS:
        raise ValueError(
            _("{count} experts (want {low} to {high})", count=len(experts), low=MIN_EXPERTS, high=MAX_EXPERTS)
        )
    return experts


def experts_string(means: Sequence[float], stds: Sequence[float], weights: Sequence[float]) -> str:
    """The inverse of :func:`parse_experts`, each number at its slider's resolution."""
    return ",".join(f"{m:.1f}:{s:.1f}:{p:.2f}" for m, s, p in zip(means, stds, weights))


DEFAULT_STRING = experts_string([d[0] for d in DEFAULTS[:2]], [d[1] for d in DEFAULTS[:2]], [0.5, 0.5])


def start_from_link(from_link: bool) -> None:
    """Before the sliders are drawn: on a page opened from a link (or the first time), their values from the
    link's ``experts=``, else the defaults; a bad value is reported and the defaults used."""
    if not from_link and COUNT_KEY in st.session_state:
        return
    experts = [(m, s, 1.0 / 2) for m, s in DEFAULTS[:2]]
    if PARAM in query():
        try:
            experts = parse_experts(query()[PARAM])
        except ValueError as err:
            st.warning(
                _(
                    "experts={value} ignored: {error}. Format: μ:σ:π,μ:σ:π (2 to 4 experts).",
                    value=repr(query()[PARAM]),
                    error=err,
                )
            )
    st.session_state[COUNT_KEY] = len(experts)
    for k, (m, s, p) in enumerate(experts):
        st.session_state[f"experts.mu{k}"], st.session_state[f"experts.sd{k}"] = m, s
        st.session_state[f"experts.pi{k}"] = p


def expert_sliders() -> tuple[list[float], list[float], list[float]]:
    """The count slider and one column of μ, σ, π sliders per expert; the values are written to the URL
    (unless they are the defaults)."""
    count = st.slider(_("number of experts"), MIN_EXPERTS, MAX_EXPERTS, key=COUNT_KEY)
    means, stds, weights = [], [], []
    for k, col in enumerate(st.columns(count)):
        for name, default in zip(("mu", "sd", "pi"), (*DEFAULTS[k], 1.0 / count)):
            st.session_state.setdefault(f"experts.{name}{k}", default)
        with col:
            st.markdown(_("**Expert {number}**", number=k + 1))
            means.append(st.slider(_("mean μ"), *RANGES["mu"], step=STEPS["mu"], key=f"experts.mu{k}"))
            stds.append(st.slider(_("std σ"), *RANGES["sd"], step=STEPS["sd"], key=f"experts.sd{k}"))
            weights.append(st.slider(_("mixture weight π"), *RANGES["pi"], step=STEPS["pi"], key=f"experts.pi{k}"))
    written = experts_string(means, stds, weights)
    write_page_param("experts", PARAM, None if written == DEFAULT_STRING else written)
    return means, stds, weights
