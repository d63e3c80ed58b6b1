"""Text read off a photo, on this machine: rapidocr-onnxruntime, the optional `ocr` extra.

Its PP-OCR models ship inside the wheel, so nothing is downloaded when it runs. Recognition
takes a second or more of CPU: callers await `read_lines`, which runs it in a worker thread,
one photo at a time (onnxruntime already uses every core for one).
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import io
import threading
from typing import Any

from handlers.nlu.business_card import OcrLine

MAX_BYTES = 15 * 1024 * 1024  # a phone camera's JPEG is 2-8 MB
MAX_PIXELS = 50_000_000  # refused before decoding: a small file can claim a huge image
MAX_SIDE = 1600  # a card's small print stays legible; larger only costs time
_lock = threading.Lock()


class OcrUnavailable(Exception):
    """The `ocr` extra is not installed."""


class BadImage(Exception):
    """The bytes are not a picture we can read (not an image, too large, broken)."""


def available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


async def read_lines(image: bytes) -> list[OcrLine]:
    """The text lines of a photo, top to bottom; recognition runs off the event loop."""
    if not available():
        raise OcrUnavailable()
    return await asyncio.to_thread(read_lines_sync, image)


def read_lines_sync(image: bytes) -> list[OcrLine]:
    picture = _decode(image)
    with _lock:
        result, _elapsed = _engine()(picture)
    lines = [_line(box, text) for box, text, _score in result or ()]
    return sorted(lines, key=lambda line: (line.box[1], line.box[0]))


@functools.cache
def _engine() -> Any:
    """Loaded on first use (about a second), then kept: never at import."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _decode(image: bytes) -> Any:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(image) > MAX_BYTES:
        raise BadImage("too large")
    try:
        opened = Image.open(io.BytesIO(image))
        if opened.width * opened.height > MAX_PIXELS:
            raise BadImage("too many pixels")
        picture = ImageOps.exif_transpose(opened).convert("RGB")  # phones store it turned
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise BadImage(str(err)) from err
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    return picture


def _line(box: list[list[float]], text: str) -> OcrLine:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return OcrLine(str(text), (min(xs), min(ys), max(xs), max(ys)))
