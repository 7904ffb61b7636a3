"""Missing modalities: imputers and modality dropout.

- Conditional-Gaussian imputation: fit ``x = [x_o, x_m] ~ N(μ, Σ)`` and fill the missing block with
  ``E[x_m | x_o] = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o)``.
- Modality dropout: during training each modality is dropped (zeroed, presence mask 0) with
  probability q, never both at once, so the model learns to predict from either alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class GaussianImputer:
    """scikit-learn style: ``GaussianImputer().fit(x_a, x_b).impute_b(x_a)``."""

    mean_: torch.Tensor | None = None  # (D_a + D_b,)
    cov_: torch.Tensor | None = None  # (D, D)
    split_: int = 0  # D_a

    def fit(self, x_a: torch.Tensor, x_b: torch.Tensor) -> GaussianImputer:
        joint = torch.cat([x_a, x_b], 1).double()
        self.mean_ = joint.mean(0)
        centred = joint - self.mean_
        self.cov_ = centred.T @ centred / (joint.shape[0] - 1)
        self.split_ = x_a.shape[1]
        return self

    def _conditional(self, observed: torch.Tensor, obs: slice, mis: slice) -> torch.Tensor:
        s_mo = self.cov_[mis, obs]
        s_oo = self.cov_[obs, obs]
        gain = torch.linalg.solve(s_oo, s_mo.T).T  # Σ_mo Σ_oo⁻¹
        filled = self.mean_[mis] + (observed.double() - self.mean_[obs]) @ gain.T
        return filled.to(observed.dtype)

    def impute_b(self, x_a: torch.Tensor) -> torch.Tensor:
        """``E[x_b | x_a]``."""
        return self._conditional(x_a, slice(0, self.split_), slice(self.split_, None))

    def impute_a(self, x_b: torch.Tensor) -> torch.Tensor:
        """``E[x_a | x_b]``."""
        return self._conditional(x_b, slice(self.split_, None), slice(0, self.split_))


def dropout_masks(n: int, q: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Presence masks (N, 1) for A and B: each dropped with probability q, never both."""
    drop_a = torch.rand(n, 1, generator=generator) < q
    drop_b = torch.rand(n, 1, generator=generator) < q
    both = drop_a & drop_b
    keep_a_instead = torch.rand(n, 1, generator=generator) < 0.5
    drop_a = drop_a & ~(both & keep_a_instead)
    drop_b = drop_b & ~(both & ~keep_a_instead)
    return (~drop_a).float(), (~drop_b).float()


def masked_inputs(x_a: torch.Tensor, x_b: torch.Tensor, m_a: torch.Tensor, m_b: torch.Tensor) -> torch.Tensor:
    """A masked classifier's input ``[x_a·m_a, x_b·m_b, m_a, m_b]``: the presence masks tell it what is missing."""
    return torch.cat([x_a * m_a, x_b * m_b, m_a, m_b], dim=1)
