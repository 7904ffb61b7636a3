"""Shared fixtures: the device tests run on (``MMPLAY_DEVICE``, default CPU here)."""

import pytest
import torch

from mmplay.device import get_device


@pytest.fixture(scope="session")
def device() -> torch.device:
    return get_device()


@pytest.fixture(autouse=True)
def _few_threads():
    torch.set_num_threads(2)
