"""Same seed, same numbers: CPU and CUDA agree (skipped without a CUDA device)."""

import pytest
import torch

from mmplay.labs import synergy

pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]


def test_synergy_on_cuda_matches_cpu():
    config = synergy.Config(steps=200)
    cpu = synergy.build(config, torch.device("cpu"))
    gpu = synergy.build(config, torch.device("cuda"))
    assert torch.equal(cpu.train.y, gpu.train.y.cpu())
    cpu_metrics = cpu.trainer.run(200, every=50).metrics
    gpu_metrics = gpu.trainer.run(200, every=50).metrics
    for key, value in cpu_metrics.items():
        assert gpu_metrics[key] == pytest.approx(value, abs=0.02), key
