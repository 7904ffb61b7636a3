"""Williams–Beer PID: known values for XOR and AND, and the atoms add up to I(Y; A, B)."""

import numpy as np
import pytest
from sklearn.metrics import mutual_info_score

from mmplay.data.xor import PRESETS, gate_table
from mmplay.info import mutual_information, williams_beer_pid


def test_xor_is_one_bit_of_pure_synergy():
    pid = williams_beer_pid(gate_table("xor"))
    assert pid.synergy == pytest.approx(1.0, abs=1e-12)
    assert pid.redundancy == pytest.approx(0.0, abs=1e-12)
    assert pid.unique_a == pytest.approx(0.0, abs=1e-12)
    assert pid.unique_b == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("gate", ["and", "or"])
def test_and_or_known_values(gate):
    pid = williams_beer_pid(gate_table(gate))
    assert pid.redundancy == pytest.approx(0.311, abs=5e-4)
    assert pid.synergy == pytest.approx(0.5, abs=1e-12)
    assert pid.unique_a == pytest.approx(0.0, abs=1e-12)


def test_redundant_and_unique_presets():
    assert williams_beer_pid(gate_table("redundant")).redundancy == pytest.approx(1.0)
    unique = williams_beer_pid(gate_table("unique_a"))
    assert unique.unique_a == pytest.approx(1.0) and unique.synergy == pytest.approx(0.0, abs=1e-12)


def _samples(table: np.ndarray, n_per_cell: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cells = np.argwhere(table > 0)
    counts = np.round(table[table > 0] * n_per_cell * len(cells)).astype(int)
    rows = np.repeat(cells, counts, axis=0)
    return rows[:, 0], rows[:, 1], rows[:, 2]


@pytest.mark.parametrize("gate", PRESETS)
def test_atoms_sum_to_joint_information_checked_with_sklearn(gate):
    table = gate_table(gate)
    a, b, y = _samples(table)
    joint_mi_bits = mutual_info_score(a * 2 + b, y) / np.log(2)
    pid = williams_beer_pid(table)
    assert sum(pid.as_dict().values()) == pytest.approx(joint_mi_bits, abs=1e-9)
    assert mutual_information(table.sum(axis=1)) == pytest.approx(mutual_info_score(a, y) / np.log(2), abs=1e-9)


def test_rejects_a_table_that_is_not_a_distribution():
    with pytest.raises(ValueError):
        williams_beer_pid(np.ones((2, 2, 2)))
