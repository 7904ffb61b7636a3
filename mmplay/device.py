"""The one place that picks the torch device, from ``MMPLAY_DEVICE=auto|cpu|cuda[:N]``."""

from __future__ import annotations

import os

import torch

from mmplay.i18n import _

_ALLOWED_PREFIXES = ("auto", "cpu", "cuda")


def get_device(setting: str | None = None) -> torch.device:
    """Return the device named by ``setting`` or the ``MMPLAY_DEVICE`` variable.

    Args:
        setting: ``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda`` or ``cuda:N``.
            ``None`` reads ``MMPLAY_DEVICE`` (default ``auto``).

    Returns:
        The torch device. Raises ``ValueError`` for an unknown value and ``RuntimeError``
        when CUDA is asked for but not available.
    """
    value = (setting if setting is not None else os.environ.get("MMPLAY_DEVICE", "auto")).strip()
    value = value.lower() or "auto"
    if not value.startswith(_ALLOWED_PREFIXES):
        raise ValueError(f"MMPLAY_DEVICE must be auto, cpu, cuda or cuda:N, not {value!r}")
    if value == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(value)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("MMPLAY_DEVICE asks for CUDA, but torch sees no CUDA device")
    return device


def describe_device(device: torch.device | None = None) -> str:
    """A short human label for the badge, in the current language: ``CPU (2 threads)`` or ``CUDA: <GPU name>``."""
    device = device or get_device()
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    return _("CPU ({threads} threads)", threads=torch.get_num_threads())
