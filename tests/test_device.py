"""MMPLAY_DEVICE picks the device; nothing else does."""

import pytest
import torch

from mmplay.device import describe_device, get_device


def test_cpu_and_auto(monkeypatch):
    monkeypatch.setenv("MMPLAY_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    monkeypatch.setenv("MMPLAY_DEVICE", "auto")
    assert get_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert describe_device(torch.device("cpu")).startswith("CPU")


def test_unknown_value_is_refused():
    with pytest.raises(ValueError, match="MMPLAY_DEVICE"):
        get_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA message")
def test_cuda_without_gpu_says_so():
    with pytest.raises(RuntimeError, match="no CUDA"):
        get_device("cuda")
