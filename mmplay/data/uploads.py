"""Validation of uploaded embedding files: every refusal is an :class:`UploadError` a person can act on.

Rules (each file; nothing is written to disk):

* Formats: ``.npy`` (one array, read with ``allow_pickle=False``; the header's version, dtype, shape and
  byte count are checked before any value is read), ``.csv`` and ``.tsv`` (UTF-8 text, one row per item).
* Caps: at most 20 MB (``MAX_BYTES``), 20,000 rows (``MAX_ROWS``) and 1,024 columns (``MAX_COLS``); at
  least 20 rows (``MIN_ROWS``, so that 10 or more pairs can be held out to score the maps) and 1 column.
* Values: real numbers, finite, within ±1e15 (``MAX_ABS``: larger ones overflow the float32 MLP map and the
  squares in Procrustes), and not all the same: some column must span at least 1e-12 (``MIN_SPREAD``).
* Text: lines end in LF, CRLF or CR. A ``.tsv`` is tab-separated; a ``.csv`` is
  semicolon-separated when its rows hold ``;``, else comma-separated. With tabs or semicolons a comma is a
  decimal mark (``1,5`` = 1.5). Blank lines, whitespace around cells and double quotes are ignored. A first
  line whose first cell is not a number is a header. Leading columns the header leaves unnamed
  (``DataFrame.to_csv()``, R's ``write.csv``), and a column named ``Unnamed: 0`` or ``index`` that counts
  0, 1, 2, … or 1, 2, 3, …, are row indexes and are dropped. A first line ``0,1,…,k−1`` over values that
  are not all whole numbers is pandas' column numbering (``to_csv(index=False)``) and is skipped.

Whatever is read other than as plain numbers comes back as a note, one sentence each.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from tokenize import TokenError

import numpy as np

from mmplay.i18n import _

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLS = 1_024
MIN_ROWS = 20  # an alignment holds out up to half the rows; 10 is the fewest that score a map
MAX_ABS = 1e15  # larger values overflow the float32 MLP map and the float64 sums of squares in Procrustes
MIN_SPREAD = 1e-12  # flatter data leave Procrustes dividing by (nearly) zero: a crash or an overflowing scale
EXTENSIONS = (".npy", ".csv", ".tsv")
INDEX_NAMES = ("unnamed: 0", "index")
_NON_BLANK_LINE = re.compile(r"^[^\S\n]*\S.*", re.MULTILINE)
_NPY_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
# What NumPy's header parser (``ast.literal_eval`` of untrusted text, ``tokenize`` to repair old headers, then
# dtype construction) can raise.
_NPY_HEADER_ERRORS = (
    ValueError,
    TypeError,
    SyntaxError,
    TokenError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
)


class UploadError(ValueError):
    """A file that cannot be used, with a message a person can act on."""


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value; compare fields instead
class LoadedPair:
    """Two checked matrices with paired rows, and the notes on how they were read."""

    a: np.ndarray
    b: np.ndarray
    notes: tuple[str, ...] = ()


def _check_caps(name: str, rows: int, cols: int) -> None:
    if rows > MAX_ROWS or cols > MAX_COLS:
        raise UploadError(
            _(
                "{name}: shape {rows}×{cols} is over the cap of {max_rows} rows × {max_cols} columns",
                name=name,
                rows=rows,
                cols=cols,
                max_rows=MAX_ROWS,
                max_cols=MAX_COLS,
            )
        )


def _check_shape(name: str, rows: int, cols: int) -> None:
    _check_caps(name, rows, cols)
    if rows < MIN_ROWS:
        raise UploadError(
            _(
                "{name}: {rows} rows; at least {min_rows} rows are needed "
                "so that {held_out} or more can be held out to score the maps",
                name=name,
                rows=rows,
                min_rows=MIN_ROWS,
                held_out=MIN_ROWS // 2,
            )
        )
    if cols < 1:
        raise UploadError(_("{name}: no columns of values", name=name))


def _check_values(name: str, array: np.ndarray) -> None:
    finite = np.isfinite(array)
    if not finite.all():
        raise UploadError(
            _("{name}: contains NaN or infinite values ({cells} cells)", name=name, cells=int((~finite).sum()))
        )
    if max(-array.min(), array.max()) > MAX_ABS:
        raise UploadError(
            _(
                "{name}: values must lie within ±{bound:g} (largest magnitude {largest:.3g})",
                name=name,
                bound=MAX_ABS,
                largest=np.abs(array).max(),
            )
        )
    if np.ptp(array, axis=0).max() < MIN_SPREAD:
        raise UploadError(
            _(
                "{name}: the rows do not vary (no column spans {spread:g} or more), so there is nothing to align",
                name=name,
                spread=MIN_SPREAD,
            )
        )


# ---- text -----------------------------------------------------------------------------------------------


def _text_lines(name: str, data: bytes) -> list[tuple[int, str]]:
    """The non-blank lines with their 1-based line numbers (the regex skips blank ones; the row cap bounds the rest)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UploadError(
            _("{name}: not UTF-8 text (byte {byte}); save it as UTF-8 CSV/TSV", name=name, byte=err.start)
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[tuple[int, str]] = []
    number, position = 1, 0
    for match in _NON_BLANK_LINE.finditer(text):
        number += text.count("\n", position, match.start())
        position = match.start()
        lines.append((number, match.group()))
        if len(lines) > MAX_ROWS + 1:  # one line may be a header
            raise UploadError(
                _("{name}: more than {max_rows} rows is over the cap of {max_rows} rows", name=name, max_rows=MAX_ROWS)
            )
    if not lines:
        raise UploadError(_("{name}: the file is empty (only blank lines)", name=name))
    return lines


def _dialect(name: str, lines: list[tuple[int, str]]) -> tuple[str, tuple[str, ...]]:
    """The delimiter, sniffed from the lines after a possible header, and a note on any unusual reading."""
    sample = [line for _, line in lines[1:] or lines]
    if name.lower().endswith(".tsv"):
        delimiter = "\t"
    elif any(";" in line for line in sample):
        delimiter = ";"
    else:
        return ",", ()
    if any("," in line for line in sample):
        if delimiter == "\t":
            return delimiter, (_("{name}: read as tab-separated with decimal commas", name=name),)
        return delimiter, (_("{name}: read as semicolon-separated with decimal commas", name=name),)
    return delimiter, (_("{name}: read as semicolon-separated", name=name),) if delimiter == ";" else ()


def _cells(line: str, delimiter: str) -> list[str]:
    """The cells of a line, double quotes removed; with tabs or semicolons, commas become decimal points."""
    if delimiter != ",":
        line = line.replace(",", ".")
    return line.replace('"', "").split(delimiter)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _column(lines: list[tuple[int, str]], delimiter: str, index: int) -> list[str]:
    """One column's cells, stripped ("" where a row is too short)."""
    rows = (_cells(line, delimiter) for _, line in lines)
    return [cells[index].strip() if index < len(cells) else "" for cells in rows]


def _is_numbering(cells: list[str]) -> bool:
    """Whether the cells count 0, 1, 2, … or 1, 2, 3, …"""
    if not all(_is_number(cell) for cell in cells):
        return False
    values = [float(cell) for cell in cells]
    return values in (list(range(len(cells))), list(range(1, len(cells) + 1)))


def _preview(cells: list[str]) -> str:
    return ", ".join(cells[:3]) + (", …" if len(cells) > 3 else "")


def _index_columns(
    name: str, header: list[str], body: list[tuple[int, str]], delimiter: str
) -> tuple[int, tuple[str, ...]]:
    """How many leading columns are row indexes, and a note saying so."""
    labels = [label.strip() for label in header]
    skip = next((i for i, label in enumerate(labels) if label), len(labels))
    if skip < len(labels) and labels[skip].lower() in INDEX_NAMES and _is_numbering(_column(body, delimiter, skip)):
        skip += 1
    if not skip:
        return 0, ()
    preview = _preview(_column(body[:4], delimiter, 0))
    if skip == 1:
        return 1, (
            _("{name}: the first column was a row index ({preview}) and was dropped", name=name, preview=preview),
        )
    note = _(
        "{name}: the first {count} columns were row indexes (the first: {preview}) and were dropped",
        name=name,
        count=skip,
        preview=preview,
    )
    return skip, (note,)


def _parse_row(name: str, number: int, cells: list[str], skip: int, width: int) -> list[float]:
    values = cells[skip:]
    if len(values) != width:
        raise UploadError(
            _(
                "{name}: rows have different numbers of columns (line {line} has {count}, the first row {width})",
                name=name,
                line=number,
                count=len(values),
                width=width,
            )
        )
    try:
        return [float(cell) for cell in values]
    except ValueError:
        column, cell = next((skip + i + 1, c) for i, c in enumerate(values) if not _is_number(c))
        raise UploadError(
            _(
                "{name}: line {line}, column {column}: {cell} is not a number",
                name=name,
                line=number,
                column=column,
                cell=repr(cell.strip()),
            )
        ) from None


def _column_numbers(name: str, first: list[str], table: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Skip a first row ``0, 1, …, k−1`` (pandas' column numbers) when the rows below are not whole numbers."""
    labels = [cell.strip() for cell in first]
    body = table[1:]
    if len(labels) < 2 or labels != [str(i) for i in range(len(labels))] or np.array_equal(body, np.round(body)):
        return table, ()
    note = _(
        "{name}: the first line ({preview}) was pandas' column numbering and was skipped",
        name=name,
        preview=_preview(labels),
    )
    return body, (note,)


def _parse_text(name: str, data: bytes) -> tuple[np.ndarray, tuple[str, ...]]:
    lines = _text_lines(name, data)
    delimiter, notes = _dialect(name, lines)
    first = _cells(lines[0][1], delimiter)
    header = None if _is_number(first[0]) else first
    body = lines[1:] if header else lines
    if not body:
        raise UploadError(_("{name}: only a header line, no rows of numbers", name=name))
    skip, index_notes = _index_columns(name, header, body, delimiter) if header else (0, ())
    width = max(len(_cells(body[0][1], delimiter)) - skip, 0)
    _check_caps(name, len(body), width)
    table = np.empty((len(body), width), dtype=np.float64)
    for i, (number, line) in enumerate(body):
        table[i] = _parse_row(name, number, _cells(line, delimiter), skip, width)
    table, numbering_notes = (table, ()) if header else _column_numbers(name, first, table)
    return table, notes + index_notes + numbering_notes


# ---- .npy -----------------------------------------------------------------------------------------------


def _npy_header(name: str, stream: io.BytesIO) -> tuple[tuple[int, ...], bool, np.dtype]:
    """``(shape, fortran_order, dtype)`` from the header; the stream is left at the first value byte."""
    try:
        version = np.lib.format.read_magic(stream)
    except ValueError as err:
        raise UploadError(_("{name}: not a valid .npy file ({error})", name=name, error=err)) from None
    reader = _NPY_HEADER_READERS.get(version)
    if reader is None:
        raise UploadError(
            _(
                "{name}: .npy format version {major}.{minor} is not supported; use numpy.save",
                name=name,
                major=version[0],
                minor=version[1],
            )
        )
    try:
        return reader(stream)
    except _NPY_HEADER_ERRORS as err:
        raise UploadError(_("{name}: not a valid .npy file (bad header: {error})", name=name, error=err)) from None


def _check_npy_dtype(name: str, dtype: np.dtype) -> None:
    if dtype.hasobject:
        raise UploadError(_("{name}: holds pickled Python objects, which are refused for safety", name=name))
    if dtype.kind not in "iuf":
        raise UploadError(_("{name}: values must be real numbers, not {dtype}", name=name, dtype=dtype))


def _parse_npy(name: str, data: bytes) -> np.ndarray:
    if not data.startswith(b"\x93NUMPY"):
        raise UploadError(_("{name}: not a valid .npy file (no NumPy header); save it with numpy.save", name=name))
    stream = io.BytesIO(data)
    shape, fortran_order, dtype = _npy_header(name, stream)
    _check_npy_dtype(name, dtype)
    if len(shape) != 2:
        raise UploadError(
            _(
                "{name}: expected a 2-D table (rows = items), got {ndim}-D shape {shape}",
                name=name,
                ndim=len(shape),
                shape=shape,
            )
        )
    _check_shape(name, *shape)
    count = shape[0] * shape[1]
    promised, present = count * dtype.itemsize, len(data) - stream.tell()
    if promised != present:
        raise UploadError(
            _(
                "{name}: the header promises {promised:,} bytes of values but the file holds {present:,}; "
                "save one array with numpy.save",
                name=name,
                promised=promised,
                present=present,
            )
        )
    values = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return values.reshape(shape, order="F" if fortran_order else "C").astype(np.float64)


# ---- public ---------------------------------------------------------------------------------------------


def load_matrix_with_notes(name: str, data: bytes) -> tuple[np.ndarray, tuple[str, ...]]:
    """Parse and check one uploaded matrix: a 2-D float64 array and notes on how it was read.

    Raises :class:`UploadError` with a reason for anything that breaks the rules in the module docstring.
    """
    if not name.lower().endswith(EXTENSIONS):
        raise UploadError(_("{name}: use a .npy, .csv or .tsv file", name=name))
    if not data:
        raise UploadError(_("{name}: the file is empty", name=name))
    if len(data) > MAX_BYTES:
        raise UploadError(
            _(
                "{name}: {size:.1f} MB is over the {cap} MB cap",
                name=name,
                size=len(data) / 1e6,
                cap=MAX_BYTES // 1024 // 1024,
            )
        )
    try:
        array, notes = (_parse_npy(name, data), ()) if name.lower().endswith(".npy") else _parse_text(name, data)
        _check_shape(name, *array.shape)
        _check_values(name, array)
    except MemoryError:
        raise UploadError(_("{name}: too large to read into memory", name=name)) from None
    return array, notes


def load_matrix(name: str, data: bytes) -> np.ndarray:
    """:func:`load_matrix_with_notes` without the notes."""
    return load_matrix_with_notes(name, data)[0]


def load_pair(name_a: str, data_a: bytes, name_b: str, data_b: bytes) -> LoadedPair:
    """Both matrices, checked to have paired rows, with the notes of both."""
    (a, notes_a), (b, notes_b) = load_matrix_with_notes(name_a, data_a), load_matrix_with_notes(name_b, data_b)
    if a.shape[0] != b.shape[0]:
        raise UploadError(
            _(
                "row counts differ: {name_a} has {rows_a}, {name_b} has {rows_b}; rows must pair up",
                name_a=name_a,
                rows_a=a.shape[0],
                name_b=name_b,
                rows_b=b.shape[0],
            )
        )
    return LoadedPair(a, b, notes_a + notes_b)
