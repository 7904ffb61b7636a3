"""Partial information decomposition (Williams & Beer 2010) of a discrete table ``p(a, b, y)``.

Specific information of source ``S`` about outcome ``y``:
``I(Y=y; S) = Σ_s p(s|y) log₂( p(y|s) / p(y) )``.
Redundancy ``R = I_min = Σ_y p(y) min_S I(Y=y; S)``; then
``U_A = I(Y;A) − R``, ``U_B = I(Y;B) − R``, ``Syn = I(Y;A,B) − I(Y;A) − I(Y;B) + R``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PID:
    """The four atoms in bits; they sum to ``I(Y; A, B)``."""

    redundancy: float
    unique_a: float
    unique_b: float
    synergy: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


def mutual_information(p_sy: np.ndarray) -> float:
    """``I(S;Y) = Σ p(s,y) log₂ p(s,y) / (p(s) p(y))`` in bits for a joint table (S, Y)."""
    p_s = p_sy.sum(axis=1, keepdims=True)
    p_y = p_sy.sum(axis=0, keepdims=True)
    mask = p_sy > 0
    return float(np.sum(p_sy[mask] * np.log2(p_sy[mask] / (p_s @ p_y)[mask])))


def specific_information(p_sy: np.ndarray) -> np.ndarray:
    """``I(Y=y; S)`` for each ``y`` (shape (Y,)), in bits."""
    p_y = p_sy.sum(axis=0)
    p_s = p_sy.sum(axis=1)
    out = np.zeros(p_sy.shape[1])
    for y in np.flatnonzero(p_y > 0):
        for s in np.flatnonzero(p_sy[:, y] > 0):
            p_s_given_y = p_sy[s, y] / p_y[y]
            p_y_given_s = p_sy[s, y] / p_s[s]
            out[y] += p_s_given_y * np.log2(p_y_given_s / p_y[y])
    return out


def williams_beer_pid(p_aby: np.ndarray) -> PID:
    """Decompose ``I(Y; A, B)`` for the joint table ``p[a, b, y]`` (non-negative, sums to 1)."""
    p = np.asarray(p_aby, dtype=float)
    if p.ndim != 3 or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError("p_aby must be a 3-D non-negative table summing to 1")
    p_ay, p_by = p.sum(axis=1), p.sum(axis=0)
    p_y = p.sum(axis=(0, 1))
    i_a, i_b = mutual_information(p_ay), mutual_information(p_by)
    i_ab = mutual_information(p.reshape(-1, p.shape[2]))
    redundancy = float(np.sum(p_y * np.minimum(specific_information(p_ay), specific_information(p_by))))
    return PID(redundancy, i_a - redundancy, i_b - redundancy, i_ab - i_a - i_b + redundancy)
