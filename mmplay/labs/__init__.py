"""The labs: ``CATALOG`` (torch-free, for navigation) and ``LABS`` (each lab's declaration, imported lazily).

``LABS["synergy"]`` imports ``mmplay.labs.synergy`` on first use and returns its ``LAB``
(a :class:`mmplay.labs.declaration.Lab`), so reading the catalog never imports torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from mmplay.i18n import L_
from mmplay.labs.declaration import CatalogEntry, Lab

CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        "synergy",
        L_("Synergy (XOR)"),
        "✖️",
        L_("Why combine"),
        L_("Can two modalities that are each useless (50 %) be perfect together?"),
    ),
    CatalogEntry(
        "alignment",
        L_("Alignment (Procrustes)"),
        "🗺️",
        L_("Representation & alignment"),
        L_("Is a rotation enough to overlay two embedding spaces?"),
    ),
    CatalogEntry(
        "contrastive",
        L_("Contrastive alignment"),
        "🧲",
        L_("Representation & alignment"),
        L_("Does InfoNCE make few labels go further?"),
    ),
    CatalogEntry(
        "fusion",
        L_("Fusion"),
        "➕",
        L_("Fusion"),
        L_("When is adding logits the Bayes posterior? When does attention beat concatenation?"),
    ),
    CatalogEntry(
        "experts",
        L_("PoE vs MoE"),
        "⚖️",
        L_("Fusion"),
        L_("Sharp or calibrated: multiply or average the experts?"),
    ),
    CatalogEntry(
        "gating",
        L_("Gating"),
        "🚦",
        L_("Robustness"),
        L_("Can a gate stop a noisy modality from dragging fusion down?"),
    ),
    CatalogEntry(
        "missing",
        L_("Missing modalities"),
        "🕳️",
        L_("Robustness"),
        L_("Impute the missing input, or train with modality dropout?"),
    ),
    CatalogEntry(
        "dominance",
        L_("Dominance"),
        "📢",
        L_("Robustness"),
        L_("Why does the quiet modality never learn — and how does OGM-GE fix it?"),
    ),
)
LAB_NAMES: tuple[str, ...] = tuple(entry.slug for entry in CATALOG)


class _LazyLabs(Mapping[str, Lab]):
    """``name -> Lab``; a lab's module (and torch) is imported on first access."""

    def __getitem__(self, name: str) -> Lab:
        if name not in LAB_NAMES:
            raise KeyError(f"unknown lab {name!r}; choose from {', '.join(LAB_NAMES)}")
        return importlib.import_module(f"mmplay.labs.{name}").LAB

    def __iter__(self) -> Iterator[str]:
        return iter(LAB_NAMES)

    def __len__(self) -> int:
        return len(LAB_NAMES)


LABS: Mapping[str, Lab] = _LazyLabs()


def entry(name: str) -> CatalogEntry:
    """The catalog entry of lab ``name``."""
    return next(e for e in CATALOG if e.slug == name)
