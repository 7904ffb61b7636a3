"""Tiny raster helpers: colour a probability grid and encode it as a PNG data URI (numpy + zlib only).

A Plotly ``Image`` trace of a PNG redraws far faster in the browser than a heatmap plus hundreds of
SVG markers, which keeps live small multiples cheap for a classroom of browsers.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np


def hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


LEVELS = 1000  # colour steps of the diverging map: probabilities are shown to three decimals


@functools.lru_cache(maxsize=16)
def diverging_table(low: str, mid: str, high: str) -> np.ndarray:
    """``LEVELS + 1`` colours, uint8 (LEVELS + 1, 3): entry ``i`` is the colour of ``p = i / LEVELS``,
    ``low + (mid − low)·2p`` below one half and ``mid + (high − mid)·(2p − 1)`` above."""
    p = (np.arange(LEVELS + 1) / LEVELS)[:, None]
    lo, mi, hi = hex_rgb(low), hex_rgb(mid), hex_rgb(high)
    rgb = np.where(p < 0.5, lo + (mi - lo) * (p / 0.5), mi + (hi - mi) * ((p - 0.5) / 0.5))
    return rgb.round().astype(np.uint8)


def diverging(p: np.ndarray, low: str, mid: str, high: str) -> np.ndarray:
    """RGB (..., 3) uint8 for probabilities (...): low → mid at 0.5 → high, linearly (to 1/LEVELS)."""
    index = np.rint(np.clip(p, 0.0, 1.0) * LEVELS).astype(np.intp)
    return diverging_table(low, mid, high)[index]


def _paint(image: np.ndarray, rows: np.ndarray, cols: np.ndarray, reach: int, rgb: np.ndarray) -> None:
    """Set every pixel within ``reach`` (a square) of each ``(row, col)`` to ``rgb`` (one per point)."""
    height, width, _ = image.shape
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            r, c = rows + dr, cols + dc
            keep = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            image[r[keep], c[keep]] = rgb[keep]


def stamp_points(image: np.ndarray, rows: np.ndarray, cols: np.ndarray, colors: list[str], radius: int = 1) -> None:
    """Draw square dots of ``colors`` with a white rim at pixel positions (in place): all rims first, then
    all dots, so no point's rim hides another's dot."""
    rows, cols = np.asarray(rows, dtype=int), np.asarray(cols, dtype=int)
    palette = {color: hex_rgb(color) for color in set(colors)}
    rgb = np.array([palette[color] for color in colors], dtype=np.float64).reshape(-1, 3)
    _paint(image, rows, cols, radius + 1, np.full_like(rgb, 255.0))
    _paint(image, rows, cols, radius, rgb)


def png_data_uri(image: np.ndarray) -> str:
    """``data:image/png;base64,…`` for an RGB uint8 image (H, W, 3); row 0 is the image's first row."""
    height, width, _ = image.shape
    raw = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, -1)], axis=1).tobytes()

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 3)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()
