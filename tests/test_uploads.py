"""Every bad upload gets a clear message; good files parse; nothing but UploadError ever escapes."""

import io
import math
import tomllib
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmplay.align.procrustes import procrustes
from mmplay.data import uploads
from mmplay.data.uploads import LoadedPair, UploadError, load_matrix, load_matrix_with_notes, load_pair
from mmplay.labs import alignment as lab

ROOT = Path(__file__).resolve().parents[1]
PROPERTY = settings(max_examples=200, deadline=None, database=None)
GOOD = np.arange(40.0).reshape(20, 2) / 4  # 20 rows × 2 columns, quarters


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def npy_header(shape: tuple, descr: str = "<f8") -> bytes:
    """A .npy header claiming ``shape``, with no values after it."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def text(array, delimiter: str = ",", header: str | None = None) -> bytes:
    lines = [delimiter.join(f"{value:g}" for value in row) for row in np.asarray(array)]
    return "\n".join(([header] if header is not None else []) + lines).encode() + b"\n"


def padded(lines: bytes, rows: int = uploads.MIN_ROWS) -> bytes:
    """``lines`` followed by good two-column rows, ``rows`` lines in all."""
    have = lines.count(b"\n")
    return lines + b"".join(f"{i},{i + 0.5}\n".encode() for i in range(rows - have))


def test_good_files_parse():
    assert load_matrix("a.csv", text(GOOD, header="x,y")).shape == (20, 2)
    assert load_matrix("a.tsv", text(np.arange(60.0).reshape(20, 3), "\t")).shape == (20, 3)
    assert np.array_equal(load_matrix("a.npy", npy_bytes(np.eye(20))), np.eye(20))
    assert np.array_equal(load_matrix("a.csv", text(GOOD)), GOOD)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("a.csv", b"", "empty"),
        ("a.txt", b"1,2\n", "use a .npy"),
        ("a.csv", padded(b"1,2\n3,oops\n5,6\n"), "not a number"),
        ("a.csv", padded(b"1,2\n3,nan\n5,6\n"), "NaN or infinite"),
        ("a.csv", padded(b"1,2\n3,inf\n5,6\n"), "NaN or infinite"),
        ("a.csv", padded(b"", 19), "at least 20 rows"),
        ("a.csv", padded(b"1,2\n3\n5,6\n"), "different numbers of columns"),
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
    with pytest.raises(UploadError, match="over the cap"):
        load_matrix("a.csv", text(np.zeros((6, 2))))
    monkeypatch.setattr(uploads, "MAX_COLS", 3)
    with pytest.raises(UploadError, match="over the cap"):
        load_matrix("a.npy", npy_bytes(np.zeros((4, 4))))


def test_pairs_must_have_the_same_rows():
    with pytest.raises(UploadError, match="row counts differ"):
        load_pair(
            "a.npy", npy_bytes(np.arange(40.0).reshape(20, 2)), "b.npy", npy_bytes(np.arange(42.0).reshape(21, 2))
        )


# ---- 1. magnitudes that overflow downstream ---------------------------------------------------------------


@pytest.mark.parametrize("value", [1e300, -1e300, 1e16, -2e15])
def test_huge_values_are_refused(value):
    array = GOOD.copy()
    array[3, 1] = value
    with pytest.raises(UploadError, match="within ±1e\\+15"):
        load_matrix("a.npy", npy_bytes(array))
    with pytest.raises(UploadError, match="within ±1e\\+15"):
        load_matrix("a.csv", text(array))


@pytest.mark.parametrize("scale", [0.0, 1e-200, 1e-13])
def test_rows_that_do_not_vary_are_refused(scale):
    with pytest.raises(UploadError, match="do not vary"):
        load_matrix("a.npy", npy_bytes(5 + GOOD * scale))


def test_values_at_the_caps_survive_the_alignment_lab():
    """Largest allowed magnitudes against the smallest allowed spread: every residual stays a number."""
    rng = np.random.default_rng(0)
    big = rng.choice([-1.0, 1.0], size=(uploads.MIN_ROWS, 3)) * uploads.MAX_ABS
    small = rng.uniform(0, 2, size=(uploads.MIN_ROWS, 3)) * uploads.MIN_SPREAD
    thin = np.hstack([small[:, :1], np.zeros((uploads.MIN_ROWS, 2))])  # only one column varies
    for a, b in [(big, small), (small, big), (thin, big), (big, -big)]:
        loaded = load_pair("a.npy", npy_bytes(a), "b.npy", npy_bytes(b))
        run = lab.build(lab.Config(test_fraction=0.5), pair=lab.uploaded_pair(loaded.a, loaded.b))
        fit = procrustes(loaded.a, loaded.b)
        numbers = [*lab.held_out(run).values(), fit.scale, fit.residual, fit.disparity]
        assert all(math.isfinite(x) for x in numbers), numbers
        assert fit.aligned.isfinite().all()


# ---- 2. the .npy header is checked before any value is read ----------------------------------------------


def test_a_tiny_npy_claiming_a_huge_shape_is_refused_before_reading():
    data = npy_header((10**7, 10**7)) + bytes(64)
    assert len(data) == 192
    with pytest.raises(UploadError, match="over the cap"):
        load_matrix("a.npy", data)


@pytest.mark.parametrize(
    "data, message",
    [
        (npy_header((20_000, 1_024)) + bytes(64), "header promises 163,840,000 bytes of values but the file holds 64"),
        (npy_bytes(GOOD)[:-8], "promises 320 bytes .* holds 312"),
        (npy_bytes(GOOD) + npy_bytes(GOOD), "save one array"),
        (npy_header((10**9,)), "2-D"),
        (npy_header((20, 0)), "no columns"),
        (npy_header((20, 2), "<c16") + bytes(640), "real numbers"),
        (npy_header((20, 2), "|b1") + bytes(40), "real numbers"),
        (npy_bytes(GOOD).replace(b"'shape'", b"'shapes'"), "bad header"),
        (npy_bytes(GOOD)[:7], "not a valid .npy"),
        (b"\x93NUMPY\x03\x00" + npy_bytes(GOOD)[8:], "version 3.0 is not supported"),
    ],
)
def test_npy_headers_are_checked(data, message):
    with pytest.raises(UploadError, match=message):
        load_matrix("a.npy", data)


@pytest.mark.parametrize("array", [np.asfortranarray(GOOD), GOOD.astype(">f4"), (GOOD * 4).astype(np.int8)])
def test_npy_orders_byte_orders_and_integer_types_read_back(array):
    loaded = load_matrix("a.npy", npy_bytes(array))
    assert loaded.dtype == np.float64
    assert np.array_equal(loaded, np.asarray(array, dtype=np.float64))


def test_running_out_of_memory_is_an_upload_error(monkeypatch):
    def out_of_memory(name, data):
        raise MemoryError

    monkeypatch.setattr(uploads, "_parse_npy", out_of_memory)
    with pytest.raises(UploadError, match="too large to read into memory"):
        load_matrix("a.npy", npy_bytes(GOOD))


# ---- 3. pandas' and R's row indexes ------------------------------------------------------------------------


def test_the_row_index_of_dataframe_to_csv_is_dropped_and_reported():
    rows = "".join(f"{i},{x:g},{y:g}\n" for i, (x, y) in enumerate(GOOD))
    array, notes = load_matrix_with_notes("a.csv", (",0,1\n" + rows).encode())
    assert np.array_equal(array, GOOD)
    assert notes == ("a.csv: the first column was a row index (0, 1, 2, …) and was dropped",)


@pytest.mark.parametrize(
    "header, index",
    [
        ("Unnamed: 0,x,y", lambda i: i),
        ("index,x,y", lambda i: i + 1),
        ('"","V1","V2"', lambda i: f'"{i + 1}"'),  # R's write.csv
        (",x,y", lambda i: f"word{i}"),  # a DataFrame indexed by words
    ],
)
def test_other_row_indexes_are_dropped_and_reported(header, index):
    rows = "".join(f"{index(i)},{x:g},{y:g}\n" for i, (x, y) in enumerate(GOOD))
    array, notes = load_matrix_with_notes("a.csv", f"{header}\n{rows}".encode())
    assert np.array_equal(array, GOOD)
    assert len(notes) == 1 and "row index" in notes[0]


def test_a_feature_named_index_that_is_not_a_numbering_is_kept():
    rows = "".join(f"{2 * i},{x:g},{y:g}\n" for i, (x, y) in enumerate(GOOD))
    array, notes = load_matrix_with_notes("a.csv", f"index,x,y\n{rows}".encode())
    assert array.shape == (20, 3) and notes == ()


def test_pandas_column_numbers_are_skipped_over_real_values_only():
    array, notes = load_matrix_with_notes("a.csv", text(GOOD, header="0,1"))
    assert np.array_equal(array, GOOD)
    assert notes == ("a.csv: the first line (0, 1) was pandas' column numbering and was skipped",)
    whole = np.arange(40.0).reshape(20, 2)
    array, notes = load_matrix_with_notes("a.csv", text(whole, header="0,1"))
    assert np.array_equal(array, np.vstack([[0, 1], whole])) and notes == ()


def test_real_dataframe_to_csv_round_trips():
    pd = pytest.importorskip("pandas")
    for index in (True, False):
        array, notes = load_matrix_with_notes("a.csv", pd.DataFrame(GOOD).to_csv(index=index).encode())
        assert np.array_equal(array, GOOD) and len(notes) == 1


# ---- 4. semicolons and decimal commas -------------------------------------------------------------------------


def test_semicolon_csv_with_decimal_commas_is_read_and_reported():
    data = "x;y\n" + "".join(f"{x:g};{y:g}\n".replace(".", ",") for x, y in GOOD)
    array, notes = load_matrix_with_notes("b.csv", data.encode())
    assert np.array_equal(array, GOOD)
    assert notes == ("b.csv: read as semicolon-separated with decimal commas",)
    array, notes = load_matrix_with_notes("b.csv", b"1,5;2,25\n3,0;4,75\n" + text(GOOD + 10, ";"))
    assert array[:2].tolist() == [[1.5, 2.25], [3.0, 4.75]]
    array, notes = load_matrix_with_notes("b.csv", text(GOOD, ";"))
    assert np.array_equal(array, GOOD) and notes == ("b.csv: read as semicolon-separated",)


def test_tsv_with_decimal_commas_is_read_and_reported():
    data = "".join(f"{x:g}\t{y:g}\n".replace(".", ",") for x, y in GOOD)
    array, notes = load_matrix_with_notes("b.tsv", data.encode())
    assert np.array_equal(array, GOOD) and notes == ("b.tsv: read as tab-separated with decimal commas",)


def test_plain_comma_csv_has_no_notes():
    assert load_matrix_with_notes("a.csv", text(GOOD, header="x,y"))[1] == ()


# ---- 5. empty files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("a.csv", b"", "the file is empty"),
        ("a.npy", b"", "the file is empty"),
        ("a.csv", b"  \n\n \t \r\n", "the file is empty \\(only blank lines\\)"),
        ("a.tsv", b"\xef\xbb\xbf\n", "the file is empty \\(only blank lines\\)"),
        ("a.csv", b"x,y\n", "only a header line, no rows of numbers"),
        ("a.csv", b"x,y\n\n   \n", "only a header line, no rows of numbers"),
        ("a.tsv", b"x\ty", "only a header line, no rows of numbers"),
    ],
)
def test_empty_files_say_so(name, data, message):
    with pytest.raises(UploadError, match=message):
        load_matrix(name, data)


def test_errors_name_the_line_whatever_the_line_endings():
    for newline in (b"\n", b"\r\n", b"\r"):
        data = newline.join([b"x,y", b"", b"1,2", b"3,oops"]) + newline
        with pytest.raises(UploadError, match="line 4, column 2: 'oops' is not a number"):
            load_matrix("a.csv", data)


def test_a_file_of_millions_of_short_lines_is_refused_in_bounded_memory():
    tracemalloc.start()
    try:
        for data in (b"1\n" * 10_000_000, b"\n" * 20_000_000):
            with pytest.raises(UploadError, match="more than 20000 rows|only blank lines"):
                load_matrix("a.csv", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100e6, f"{peak / 1e6:.0f} MB"


# ---- 6. enough rows to hold 10 out ----------------------------------------------------------------------------


def test_at_least_20_rows_so_10_can_be_held_out():
    assert uploads.MIN_ROWS == 20
    with pytest.raises(UploadError, match="19 rows; at least 20 rows are needed so that 10 or more can be held out"):
        load_matrix("a.npy", npy_bytes(GOOD[:19]))
    assert load_matrix("a.npy", npy_bytes(GOOD)).shape == (20, 2)


def test_load_pair_returns_both_matrices_and_all_notes():
    pair = load_pair("a.csv", text(GOOD, ";"), "b.tsv", text(GOOD + 1, "\t"))
    assert isinstance(pair, LoadedPair)
    assert np.array_equal(pair.a, GOOD) and np.array_equal(pair.b, GOOD + 1)
    assert pair.notes == ("a.csv: read as semicolon-separated",)
    with pytest.raises(AttributeError):
        pair.a = GOOD  # frozen


# ---- 7. the uploader's advertised cap is the real one -------------------------------------------------------


def test_streamlit_upload_cap_matches_the_parser():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == uploads.MAX_BYTES // 1024 // 1024


# ---- 8. nothing but UploadError, whatever the bytes -----------------------------------------------------------


def assert_valid_or_refused(name: str, data: bytes) -> None:
    try:
        array = load_matrix(name, data)
    except UploadError:
        return
    assert array.dtype == np.float64 and array.ndim == 2
    rows, cols = array.shape
    assert uploads.MIN_ROWS <= rows <= uploads.MAX_ROWS and 1 <= cols <= uploads.MAX_COLS
    assert np.isfinite(array).all() and np.abs(array).max() <= uploads.MAX_ABS
    assert np.ptp(array, axis=0).max() >= uploads.MIN_SPREAD


NAMES = st.sampled_from(["a.npy", "a.csv", "a.tsv"])
TOKENS = ["0", "1", "2", "-1.5", "2,5", "1e300", "nan", "inf", "", " ", "x", '"', '"3"', ",", ";", "\t", "index", "\n"]


@st.composite
def tables(draw) -> bytes:
    """Text that is nearly a table: rows of number-like tokens with a drawn delimiter."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    cells = st.lists(st.sampled_from(TOKENS) | st.integers(-3, 30).map(str), min_size=1, max_size=4)
    rows = draw(st.lists(cells, min_size=0, max_size=25))
    return "\n".join(delimiter.join(row) for row in rows).encode()


@st.composite
def mutated_npy(draw) -> bytes:
    """np.save output of a small array, then truncated, overwritten or extended at a drawn place."""
    shape = draw(st.tuples(st.integers(0, 25), st.integers(0, 3)) | st.tuples(st.integers(0, 25)))
    dtype = draw(st.sampled_from(["<f8", ">f4", "<f2", "|i1", "<u8", "|b1", "<c8", "<M8[s]", "<U2"]))
    data = npy_bytes(np.arange(math.prod(shape)).reshape(shape).astype(dtype))
    at = draw(st.integers(0, len(data)))
    patch = draw(st.binary(max_size=8))
    return draw(st.sampled_from([data, data[:at], data[:at] + patch + data[at + len(patch) :], data + patch]))


@PROPERTY
@given(NAMES, st.binary(max_size=400))
def test_any_bytes_give_a_matrix_or_an_upload_error(name, data):
    assert_valid_or_refused(name, data)


@PROPERTY
@given(NAMES, st.text(max_size=400))
def test_any_text_gives_a_matrix_or_an_upload_error(name, data):
    assert_valid_or_refused(name, data.encode())


@PROPERTY
@given(NAMES, tables())
def test_any_table_like_text_gives_a_matrix_or_an_upload_error(name, data):
    assert_valid_or_refused(name, data)


@PROPERTY
@given(mutated_npy())
def test_any_mutated_npy_gives_a_matrix_or_an_upload_error(data):
    assert_valid_or_refused("a.npy", data)
