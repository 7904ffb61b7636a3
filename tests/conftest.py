"""Shared fixtures: the device tests run on (``MMPLAY_DEVICE``, default CPU here); every figure a test
draws is also checked against Plotly's validation (``MMPLAY_CHECK_FIGURES``, inherited by the servers
the browser tests start)."""

import os

import pytest
import torch

from mmplay.device import get_device

os.environ["MMPLAY_CHECK_FIGURES"] = "1"


@pytest.fixture(scope="session")
def device() -> torch.device:
    return get_device()


@pytest.fixture(autouse=True)
def _few_threads():
    torch.set_num_threads(2)
