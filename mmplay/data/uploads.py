"""Validation of uploaded embedding files (``.npy``, ``.csv``, ``.tsv``): every failure is a clear message.

Caps: 20 MB per file, 20,000 rows, 1,024 columns. ``.npy`` is read with ``allow_pickle=False``.
Values must be numeric and finite, the array 2-D, with at least 3 rows; paired files must have the
same number of rows. Nothing is written to disk.
"""

from __future__ import annotations

import io

import numpy as np

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLS = 1_024
MIN_ROWS = 3
EXTENSIONS = (".npy", ".csv", ".tsv")


class UploadError(ValueError):
    """A file that cannot be used, with a message a person can act on."""


def _parse_text(name: str, data: bytes) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UploadError(f"{name}: not UTF-8 text (byte {err.start}); save it as UTF-8 CSV/TSV") from None
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows:
        raise UploadError(f"{name}: the file has no rows")
    try:
        float(rows[0].split(delimiter)[0])
    except ValueError:
        rows = rows[1:]  # a header line
    try:
        table = [[float(cell) for cell in row.split(delimiter)] for row in rows]
    except ValueError as err:
        raise UploadError(f"{name}: a value is not a number ({err})") from None
    widths = {len(row) for row in table}
    if len(widths) > 1:
        raise UploadError(f"{name}: rows have different numbers of columns ({sorted(widths)})")
    return np.array(table, dtype=np.float64)


def _parse_npy(name: str, data: bytes) -> np.ndarray:
    if not data.startswith(b"\x93NUMPY"):
        raise UploadError(f"{name}: not a valid .npy file (no NumPy header); save it with numpy.save")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as err:
        if "pickle" in str(err).lower():
            raise UploadError(f"{name}: holds pickled Python objects, which are refused for safety") from None
        raise UploadError(f"{name}: not a valid .npy file ({err})") from None
    except (OSError, EOFError) as err:
        raise UploadError(f"{name}: not a valid .npy file ({err})") from None
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise UploadError(f"{name}: values must be real numbers, not {array.dtype}")
    return array.astype(np.float64)


def load_matrix(name: str, data: bytes) -> np.ndarray:
    """Parse and check one uploaded matrix; raise :class:`UploadError` with a reason."""
    if not name.lower().endswith(EXTENSIONS):
        raise UploadError(f"{name}: use a .npy, .csv or .tsv file")
    if len(data) == 0:
        raise UploadError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise UploadError(f"{name}: {len(data) / 1e6:.1f} MB is over the {MAX_BYTES // 1024 // 1024} MB cap")
    array = _parse_npy(name, data) if name.lower().endswith(".npy") else _parse_text(name, data)
    if array.ndim != 2:
        raise UploadError(f"{name}: expected a 2-D table (rows = items), got {array.ndim}-D shape {array.shape}")
    rows, cols = array.shape
    if rows < MIN_ROWS:
        raise UploadError(f"{name}: {rows} rows; at least {MIN_ROWS} are needed")
    if rows > MAX_ROWS or cols > MAX_COLS:
        raise UploadError(f"{name}: shape {rows}×{cols} is over the cap of {MAX_ROWS} rows × {MAX_COLS} columns")
    if not np.isfinite(array).all():
        raise UploadError(f"{name}: contains NaN or infinite values ({int((~np.isfinite(array)).sum())} cells)")
    return array


def load_pair(name_a: str, data_a: bytes, name_b: str, data_b: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Both matrices, checked to have paired rows."""
    a, b = load_matrix(name_a, data_a), load_matrix(name_b, data_b)
    if a.shape[0] != b.shape[0]:
        raise UploadError(f"row counts differ: {name_a} has {a.shape[0]}, {name_b} has {b.shape[0]}; rows must pair up")
    return a, b
