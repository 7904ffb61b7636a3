"""The list of labs shown in the navigation and on the home page (no torch imported here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabEntry:
    slug: str  # URL path and page file name (app_pages/<slug>.py)
    title: str  # navigation title
    icon: str  # emoji shown beside the title
    pillar: str  # "Why combine", "Representation & alignment", "Fusion" or "Robustness"
    question: str  # the one question the lab answers


LABS = (
    LabEntry(
        "synergy",
        "Synergy (XOR)",
        "✖️",
        "Why combine",
        "Can two modalities that are each useless (50 %) be perfect together?",
    ),
    LabEntry(
        "alignment",
        "Alignment (Procrustes)",
        "🗺️",
        "Representation & alignment",
        "Is a rotation enough to overlay two embedding spaces?",
    ),
    LabEntry(
        "contrastive",
        "Contrastive alignment",
        "🧲",
        "Representation & alignment",
        "Does InfoNCE make few labels go further?",
    ),
    LabEntry(
        "fusion",
        "Fusion",
        "➕",
        "Fusion",
        "When is adding logits the Bayes posterior? When does attention beat concatenation?",
    ),
    LabEntry("experts", "PoE vs MoE", "⚖️", "Fusion", "Sharp or calibrated: multiply or average the experts?"),
    LabEntry("gating", "Gating", "🚦", "Robustness", "Can a gate stop a noisy modality from dragging fusion down?"),
    LabEntry(
        "missing", "Missing modalities", "🕳️", "Robustness", "Impute the missing input, or train with modality dropout?"
    ),
    LabEntry(
        "dominance",
        "Dominance",
        "📢",
        "Robustness",
        "Why does the quiet modality never learn — and how does OGM-GE fix it?",
    ),
)
