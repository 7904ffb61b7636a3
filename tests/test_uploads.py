"""Every bad upload gets a clear message; good files parse."""

import io

import numpy as np
import pytest

from mmplay.data import uploads
from mmplay.data.uploads import UploadError, load_matrix, load_pair


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def test_good_files_parse():
    assert load_matrix("a.csv", b"x,y\n1,2\n3,4\n5,6\n").shape == (3, 2)
    assert load_matrix("a.tsv", b"1\t2\t3\n4\t5\t6\n7\t8\t9\n").shape == (3, 3)
    assert np.array_equal(load_matrix("a.npy", npy_bytes(np.eye(4))), np.eye(4))


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("a.csv", b"", "empty"),
        ("a.txt", b"1,2\n", "use a .npy"),
        ("a.csv", b"1,2\n3,oops\n5,6\n", "not a number"),
        ("a.csv", b"1,2\n3,nan\n5,6\n", "NaN or infinite"),
        ("a.csv", b"1,2\n3,inf\n5,6\n", "NaN or infinite"),
        ("a.csv", b"1,2\n3,4\n", "at least 3"),
        ("a.csv", b"1,2\n3\n5,6\n", "different numbers of columns"),
        ("a.csv", "1,2\n".encode("utf-16"), "not UTF-8"),
        ("a.npy", b"not really numpy", "not a valid .npy"),
        ("a.npy", None, "pickled"),
        ("a.npy", npy_bytes(np.zeros((2, 3, 4))), "2-D"),
        ("a.npy", npy_bytes(np.array(["a", "b", "c"])), "real numbers"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, data, message):
    if data is None:
        data = npy_bytes(np.array([{"a": 1}, {"b": 2}, {"c": 3}], dtype=object))
    with pytest.raises(UploadError, match=message):
        load_matrix(name, data)


def test_caps_on_bytes_rows_and_columns(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 100)
    with pytest.raises(UploadError, match="MB cap"):
        load_matrix("a.csv", b"1," * 100)
    monkeypatch.setattr(uploads, "MAX_BYTES", 10**9)
    monkeypatch.setattr(uploads, "MAX_ROWS", 5)
    with pytest.raises(UploadError, match="over the cap"):
        load_matrix("a.npy", npy_bytes(np.zeros((6, 2))))
    monkeypatch.setattr(uploads, "MAX_COLS", 3)
    with pytest.raises(UploadError, match="over the cap"):
        load_matrix("a.npy", npy_bytes(np.zeros((4, 4))))


def test_pairs_must_have_the_same_rows():
    with pytest.raises(UploadError, match="row counts differ"):
        load_pair("a.npy", npy_bytes(np.zeros((4, 2))), "b.npy", npy_bytes(np.zeros((5, 2))))
