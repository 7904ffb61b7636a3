"""The PNG encoder round-trips pixels; the diverging colour map hits its anchors; the synergy mosaic."""

import base64
import struct
import zlib

import numpy as np

from mmplay.labs import synergy
from mmplay.viz.raster import diverging, png_data_uri, stamp_points
from mmplay.viz.synergy import MODEL_LABELS, boundaries_figure, boundary_pixels, panel_origin


def decode_png(uri: str) -> np.ndarray:
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF
        if tag == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = size
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert (raw[:, 0] == 0).all()  # filter type "none" on every row
    return raw[:, 1:].reshape(height, width, 3)


def test_png_round_trips_pixels():
    image = np.random.default_rng(0).integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    assert np.array_equal(decode_png(png_data_uri(image)), image)


def test_diverging_anchors_and_points():
    rgb = diverging(np.array([[0.0, 0.5, 1.0]]), "#000000", "#808080", "#ffffff")
    assert rgb[0].tolist() == [[0, 0, 0], [128, 128, 128], [255, 255, 255]]
    canvas = np.zeros((9, 9, 3), dtype=np.uint8)
    stamp_points(canvas, np.array([4]), np.array([4]), ["#ff0000"])
    assert canvas[4, 4].tolist() == [255, 0, 0] and canvas[2, 2].tolist() == [255, 255, 255]
    assert canvas[0, 0].tolist() == [0, 0, 0]


def test_boundaries_mosaic_holds_each_models_panel_with_y_up():
    run = synergy.build(synergy.Config(n_points=100))
    run.trainer.step(5)
    grids, (points, labels) = synergy.decision_grids(run, resolution=31), synergy.test_points(run)
    accuracy = {name: 0.5 for name in MODEL_LABELS} | {"mlp": 0.97}
    fig = boundaries_figure(grids, points, labels, accuracy)
    (image_trace,) = fig.data
    mosaic = decode_png(image_trace.source)
    for index, name in enumerate(MODEL_LABELS):
        top, left = panel_origin(index, 31)
        panel = mosaic[top : top + 31, left : left + 31]
        assert np.array_equal(panel[::-1], boundary_pixels(grids[name], grids["axis"], points, labels))
    assert [a.text.split("</b>")[0][3:] for a in fig.layout.annotations] == list(MODEL_LABELS.values())
    assert fig.layout.annotations[-1].text.endswith("97%")
    assert list(fig.layout.yaxis.range) == [mosaic.shape[0] - 0.5, -0.5]  # image rows run downwards
