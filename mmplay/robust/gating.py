"""Gating: when to fuse two modalities' predictions, and when to trust one.

- Disagreement: Jensen–Shannon divergence ``JS(p, q) = ½ KL(p‖m) + ½ KL(q‖m)``, ``m = (p + q)/2`` (nats).
- Entropy ``H(p) = −Σ p log p``.
- Typicality: squared Mahalanobis distance to the nearest class mean under the pooled within-class
  covariance, ``d²(x) = min_c (x − μ_c)ᵀ Σ⁻¹ (x − μ_c)``; "atypical" above a training percentile.
- Rule gate: fuse unless the predictions disagree (JS > τ) *and* a modality is atypical; then trust
  the more typical one (smaller ratio ``r = d² / threshold``). Its fused path is a tempered product,
  ``p ∝ p_a^{1/max(1, r_a)} · p_b^{1/max(1, r_b)}`` (log-probabilities add, each atypical modality's
  vote shrunk by how far outside its training data it lies). The entropy-only rule
  instead trusts the lower-entropy modality on disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from mmplay import elementwise, ops


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax over classes along ``dim`` (−1: rows of classes, :func:`mmplay.ops.softmax`'s fast path)."""
    return ops.softmax(x) if dim == -1 else x.softmax(dim)


def entropy(p: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """``H(p)`` over the classes along ``dim``: (N, K) → (N,) for ``dim = −1``, (K, N) → (N,) for ``dim = −2``."""
    return -(p * torch.log(p.clamp_min(1e-12))).sum(dim)


@dataclass(frozen=True)
class Disagreement:
    """Two predictions' entropies and their JS divergence (N,) each, computed once for every gate that reads them."""

    h_a: torch.Tensor
    h_b: torch.Tensor
    js: torch.Tensor


def disagreement(p_a: torch.Tensor, p_b: torch.Tensor, dim: int = -1) -> Disagreement:
    """``H(p_a)``, ``H(p_b)`` and ``JS = ½ KL(p_a‖m) + ½ KL(p_b‖m) = H(m) − ½ H(p_a) − ½ H(p_b)``, ``m = (p_a + p_b)/2``
    (the second form reuses the entropies: three sums instead of five, taken together on the stacked three);
    classes along ``dim`` (negative)."""
    h_a, h_b, h_m = entropy(torch.stack([p_a, p_b, (p_a + p_b) / 2]), dim).unbind()
    return Disagreement(h_a, h_b, (h_m - 0.5 * (h_a + h_b)).clamp_min(0))


def js_divergence(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Jensen–Shannon divergence per row in nats, in ``[0, log 2]``."""
    return disagreement(p, q).js


@dataclass
class Typicality:
    """Fitted class means, pooled covariance inverse, and the atypicality threshold."""

    means_: torch.Tensor  # (K, D)
    precision_: torch.Tensor  # (D, D)
    threshold_: float  # squared distance above which an input is atypical
    whiten_: torch.Tensor = field(init=False)  # L with Σ⁻¹ = L Lᵀ (Cholesky)
    whitened_means_: torch.Tensor = field(init=False)  # μ_c L, (K, D)

    def __post_init__(self) -> None:
        self.whiten_ = torch.linalg.cholesky(self.precision_)
        self.whitened_means_ = self.means_ @ self.whiten_

    @classmethod
    def fit(cls, x: torch.Tensor, y: torch.Tensor, classes: int, quantile: float = 0.99) -> Typicality:
        means = torch.stack([x[y == c].mean(0) for c in range(classes)])
        centred = x - means[y]
        cov = centred.T @ centred / (x.shape[0] - classes)
        typ = cls(means, torch.linalg.inv(cov), 0.0)
        typ.threshold_ = float(torch.quantile(typ.distance(x), quantile))
        return typ

    def distance(self, x: torch.Tensor) -> torch.Tensor:
        """``min_c (x − μ_c)ᵀ Σ⁻¹ (x − μ_c)``, shape (N,).

        With the Cholesky factor ``Σ⁻¹ = L Lᵀ`` (fitted once) this is ``min_c ‖x L − μ_c L‖²``: one (N, D) product
        and squared distances to K whitened means, instead of an (N, K, D) difference tensor.
        """
        whitened = torch.cdist(x @ self.whiten_, self.whitened_means_, compute_mode="donot_use_mm_for_euclid_dist")
        return (whitened**2).min(1).values

    def atypicality(self, x: torch.Tensor) -> torch.Tensor:
        """``d²(x) / threshold``: above 1 means atypical."""
        return self.distance(x) / self.threshold_


def tempered_product(
    p_a: torch.Tensor, p_b: torch.Tensor, atyp_a: torch.Tensor, atyp_b: torch.Tensor, dim: int = -1
) -> torch.Tensor:
    """``p ∝ p_a^{1/max(1, r_a)} · p_b^{1/max(1, r_b)}`` per item; a plain product when both are typical."""
    vote = lambda p, r: torch.log(p.clamp_min(1e-12)) / r.clamp_min(1.0).unsqueeze(dim)  # noqa: E731
    return softmax(vote(p_a, atyp_a) + vote(p_b, atyp_b), dim)


def rule_gate(
    p_a: torch.Tensor,
    p_b: torch.Tensor,
    atyp_a: torch.Tensor,
    atyp_b: torch.Tensor,
    tau: float,
    terms: Disagreement | None = None,
    dim: int = -1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gated prediction (N, K) and whether fusion stayed open (N,), from atypicality ratios (N,); classes along
    ``dim`` (−2: (K, N) in and out)."""
    terms = terms or disagreement(p_a, p_b, dim)
    close = (terms.js > tau) & ((atyp_a > 1) | (atyp_b > 1))
    trusted = torch.where((atyp_b > atyp_a).unsqueeze(dim), p_a, p_b)
    return torch.where(close.unsqueeze(dim), trusted, tempered_product(p_a, p_b, atyp_a, atyp_b, dim)), ~close


def entropy_gate(
    p_a: torch.Tensor,
    p_b: torch.Tensor,
    p_fused: torch.Tensor,
    tau: float,
    terms: Disagreement | None = None,
    dim: int = -1,
) -> torch.Tensor:
    """On disagreement trust the more confident (lower-entropy) modality — fooled by confident noise."""
    terms = terms or disagreement(p_a, p_b, dim)
    close = terms.js > tau
    trusted = torch.where((terms.h_a <= terms.h_b).unsqueeze(dim), p_a, p_b)
    return torch.where(close.unsqueeze(dim), trusted, p_fused)


def gate_features(terms: Disagreement, log_dist: torch.Tensor) -> torch.Tensor:
    """``[H(p_a), H(p_b), JS(p_a, p_b), log1p d²_a, log1p d²_b]`` item-major, shape (5, N), from ``log_dist`` =
    ``log1p d²`` of A and B (2, N)."""
    return torch.cat([torch.stack([terms.h_a, terms.h_b, terms.js]), log_dist])


class SoftGate(nn.Module):
    """``g = softmax(MLP(f))`` over {A, B, fused}; ``p = g_A p_A + g_B p_B + g_F p_fused``. Item-major: features
    ``f`` (5, N), predictions (K, N), weights ``g`` (3, N), the MLP ``s = W₂ tanh(W₁ f + c₁) + c₂``."""

    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(5, hidden), nn.Tanh(), nn.Linear(hidden, 3))

    def hidden_and_logits(
        self, features: torch.Tensor, out: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``h = tanh(W₁ f + c₁)`` (H, N) (written into ``out`` when given) and ``s = W₂ h + c₂`` (3, N)."""
        first, _, second = self.net  # unpacked: indexing an nn.Sequential costs microseconds a layer
        hidden = elementwise.tanh_(torch.addmm(first.bias.unsqueeze(1), first.weight, features, out=out))
        return hidden, torch.addmm(second.bias.unsqueeze(1), second.weight, hidden)

    @torch.no_grad()
    def set_grads(self, features: torch.Tensor, hidden: torch.Tensor, d_logits: torch.Tensor) -> None:
        """Set ``.grad`` from ``∂L/∂s`` (3, N): ``∂W₂ = ∂s hᵀ``, ``∂c₂ = Σᵢ ∂sᵢ``, ``∂z = (W₂ᵀ ∂s) ⊙ (1 − h²)``
        (``tanh_backward``: one operation), ``∂W₁ = ∂z fᵀ``, ``∂c₁ = Σᵢ ∂zᵢ``."""
        first, _, second = self.net  # unpacked: indexing an nn.Sequential costs microseconds a layer
        second.weight.grad = torch.mm(d_logits, hidden.t())
        second.bias.grad = d_logits.sum(1)
        d_z = torch.ops.aten.tanh_backward(torch.mm(second.weight.t(), d_logits), hidden)
        first.weight.grad = torch.mm(d_z, features.t())
        first.bias.grad = d_z.sum(1)

    def forward(self, features: torch.Tensor, p_a: torch.Tensor, p_b: torch.Tensor, p_fused: torch.Tensor):
        """``(p, g)`` for features (5, N) and predictions (K, N); or (K, L, N) for N = L·N′ items, blocks of N′,
        where ``p_a`` may be (K, 1, N′), broadcast over the blocks (the weights ``g`` then come as (3, L, N′))."""
        g = self.hidden_and_logits(features)[1].softmax(0).view(3, *p_fused.shape[1:])
        mixed = (g[:1] * p_a).add_(g[1:2] * p_b).add_(g[2:] * p_fused)  # (K, N) or (K, L, N′)
        return mixed, g
