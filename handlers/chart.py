"""The digest chart as a PNG, drawn in pure Python: no Pillow, numpy or fonts to ship.

Labels are digits and a few Latin capitals in a built-in 3×5 pixel font; the names behind
"R1", "R2"… travel in the digest's text, which every channel renders with real fonts.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

Color = int  # an index into PALETTE: one byte per pixel keeps drawing and zlib cheap
PALETTE = ((255, 255, 255), (40, 40, 40), (66, 133, 244), (52, 168, 83))
WHITE, INK, FUNNEL, VISITS = 0, 1, 2, 3
SCALE = 2  # each font pixel is a 2×2 block

_GLYPHS = {  # 3 columns × 5 rows, row-major bits
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001010010010", "8": "111101111101111",
    "9": "111101111001111", "A": "010101111101101", "B": "110101110101110",
    "D": "110101101101110", "E": "111100110100111", "G": "111100101101111",
    "I": "111010010010111", "L": "100100100100111", "R": "110101110101101",
    "S": "111100111001111", "T": "111010010010010", "V": "101101101101010",
    "Y": "101101010010010", " ": "000000000000000",
}  # fmt: skip


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(width * height)  # all WHITE

    def rect(self, x: int, y: int, w: int, h: int, color: Color) -> None:
        row = bytes([color]) * max(0, min(w, self.width - x))
        for yy in range(max(0, y), min(self.height, y + h)):
            start = yy * self.width + max(0, x)
            self.pixels[start : start + len(row)] = row

    def text(self, x: int, y: int, label: str, color: Color = INK) -> None:
        block = bytes([color]) * SCALE
        for i, char in enumerate(label.upper()):
            bits = _GLYPHS.get(char, _GLYPHS[" "])
            for n, bit in enumerate(bits):
                if bit == "1":  # inline, not rect(): labels are thousands of tiny squares
                    px, py = x + (i * 4 + n % 3) * SCALE, y + (n // 3) * SCALE
                    for yy in range(py, min(py + SCALE, self.height)):
                        start = yy * self.width + px
                        self.pixels[start : start + SCALE] = block

    def png(self) -> bytes:
        stride = self.width
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * stride : (y + 1) * stride]) for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)
        palette = bytes(channel for color in PALETTE for channel in color)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"PLTE", palette)
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _bars(
    canvas: Canvas, x0: int, title: str, items: Sequence[tuple[str, int]], color: Color
) -> None:
    """A bar panel 300 px wide: value above each bar, label below."""
    canvas.text(x0, 10, title)
    top, bottom, width = 50, 230, 300
    peak = max([v for _, v in items] + [1])
    slot = width // max(1, len(items))
    bar = max(4, slot - 8)
    for i, (label, value) in enumerate(items):
        x = x0 + i * slot
        h = round((bottom - top) * value / peak)
        canvas.rect(x, bottom - h, bar, h, color)
        canvas.text(x, bottom - h - 20, str(value))
        canvas.text(x, bottom + 8, label)


def digest_chart(stage_counts: Sequence[int], visits: Sequence[int]) -> bytes:
    """Deals per open stage (in pipeline order) and visits per rep over 14 days."""
    canvas = Canvas(680, 270)
    _bars(
        canvas, 10, "DEALS BY STAGE", [(str(i + 1), n) for i, n in enumerate(stage_counts)], FUNNEL
    )
    _bars(canvas, 360, "VISITS 14D", [(f"R{i + 1}", n) for i, n in enumerate(visits)], VISITS)
    return canvas.png()
