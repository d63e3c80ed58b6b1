"""Charts as phone-sized PNGs: stacked panels of labelled horizontal bars, drawn by matplotlib.

Horizontal bars because a phone is narrow: each row's label and value sit on a line of their
own above its bar, so Chinese stage names, rep names and amounts are never rotated (a name too
long for the line ends in "…"; the value is always whole).
Everything is sized in pixels for a 1,000 px wide image (a phone shows it at about 2.5 px per
point, so the 27 px labels read like 11 pt text).

Thread-safe by construction: no pyplot, so no global figure registry; each chart has its own
`Figure` and Agg canvas, and the font is given to every text by file (no rcParams edited).
`png` draws in a separate process, so a chart never holds the chats' event loop.
matplotlib is imported on first use: the bot starts and answers without paying for it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unicodedata import east_asian_width

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)
WIDTH = 1000  # px; the figure is drawn at 100 dpi, so one inch is 100 px
DPI = 100
PAD = 40  # left and right margin
SPAN = WIDTH - 2 * PAD
ROW = 76  # one bar row: its text line and its bar
BAR = 22
TITLE_PX, PANEL_PX, LABEL_PX, NOTE_PX = 40, 32, 27, 24
INK, MUTED, TRACK = "#202124", "#5f6368", "#eceff1"
COLORS = ("#1a73e8", "#188038", "#e37400", "#9334e6", "#d93025", "#12b5cb")


@dataclass(frozen=True)
class Row:
    label: str  # left, above the bar: a stage or a person
    value: float  # the bar's length, against the panel's largest value
    text: str  # right, above the bar: the value as the reader reads it


@dataclass(frozen=True)
class Panel:
    title: str
    rows: Sequence[Row]
    color: str = COLORS[0]
    empty: str = "—"  # shown instead of bars when there are no rows


@dataclass(frozen=True)
class Chart:
    title: str
    panels: Sequence[Panel]
    subtitle: str = ""
    notes: Sequence[str] = field(default_factory=tuple)  # small print under the last panel


def font_path() -> Path:
    """Noto Sans SC, shipped as a wheel (pylopdf-fonts-zh-cn): Chinese, Latin, ¥ $ € £."""
    from pylopdf_fonts_zh_cn import sans_path

    return sans_path()


@cache
def _covered() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def printable(text: str) -> str:
    """The text without what the font lacks (emoji in a name): no tofu boxes, no warnings."""
    covered = _covered()
    return "".join(ch for ch in text if ord(ch) in covered or ch in " \n").strip()


def _pt(px: float) -> float:
    return px * 72 / DPI


def text_width(text: str, px: float) -> float:
    """About how wide the text sets: a Chinese character is one em, Latin a little over half.
    An estimate keeps layout free of a renderer; it errs wide, so nothing runs off the edge."""
    return sum(px if east_asian_width(ch) in "WF" else px * 0.6 for ch in text)


def fit(text: str, px: float, room: float) -> str:
    """The text, cut with "…" to fit `room` pixels."""
    if text_width(text, px) <= room:
        return text
    while text and text_width(text + "…", px) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, px: float, room: float, lines: int = 2) -> list[str]:
    """Up to `lines` lines, broken after a space or " · " where one fits, the last cut."""
    out: list[str] = []
    while text and len(out) < lines - 1 and text_width(text, px) > room:
        cut = len(fit(text, px, room)) - 1
        space = text.rfind(" ", 0, cut + 1)
        cut = space if space > len(text) // 4 else cut
        out.append(text[:cut].rstrip(" ·"))
        text = text[cut:].lstrip(" ·")
    return [*out, fit(text, px, room)]


def figure(chart: Chart) -> Figure:
    """The chart on one Figure whose one Axes is the canvas, in pixels from the top left."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fig = Figure(figsize=(WIDTH / DPI, 1), dpi=DPI, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_axis_off()
    font = FontProperties(fname=str(font_path()))

    def write(x: float, y: float, text: str, px: int, color: str = INK, **kw: Any) -> None:
        ax.text(
            x, y, text, fontproperties=font, fontsize=_pt(px), color=color,
            va="top", parse_math=False, **kw,
        )  # fmt: skip

    bars: list[tuple[float, float, float, str]] = []  # x, y, width, colour: one collection
    y = 24.0
    for line in wrap(printable(chart.title), TITLE_PX, SPAN):
        write(PAD, y, line, TITLE_PX)
        y += TITLE_PX * 1.35
    y += 4
    if chart.subtitle:
        write(PAD, y, fit(printable(chart.subtitle), NOTE_PX, SPAN), NOTE_PX, MUTED)
        y += 40
    for panel in chart.panels:
        y = _panel(write, bars, panel, y + 12)
    for note in chart.notes:
        for line in wrap(printable(note), NOTE_PX, SPAN):
            write(PAD, y, line, NOTE_PX, MUTED)
            y += 34
    _add_bars(ax, bars)
    total = y + 24  # the height is known once everything is placed
    fig.set_size_inches(WIDTH / DPI, total / DPI)
    ax.set_ylim(total, 0)
    return fig


def _panel(
    write: Callable[..., None], bars: list[tuple[float, float, float, str]], panel: Panel, y: float
) -> float:
    write(PAD, y, fit(printable(panel.title), PANEL_PX, SPAN), PANEL_PX, panel.color)
    y += 56
    if not panel.rows:
        write(PAD, y, panel.empty, LABEL_PX, MUTED)
        return y + ROW + 20
    peak = max([r.value for r in panel.rows] + [0.0]) or 1.0
    for row in panel.rows:
        value = printable(row.text)
        room = SPAN - text_width(value, LABEL_PX) - LABEL_PX  # the value wins: it is the fact
        write(PAD, y, fit(printable(row.label), LABEL_PX, room), LABEL_PX)
        write(WIDTH - PAD, y, value, LABEL_PX, ha="right")
        bars.append((PAD, y + 38, SPAN, TRACK))
        if row.value > 0:  # a sliver for the smallest, so "1" never looks like "0"
            bars.append((PAD, y + 38, max(SPAN * row.value / peak, 4.0), panel.color))
        y += ROW
    return y + 20


def _add_bars(ax: Any, bars: list[tuple[float, float, float, str]]) -> None:
    """All bars as one PolyCollection: a patch per bar costs more than the text."""
    from matplotlib.collections import PolyCollection

    verts = [[(x, y), (x + w, y), (x + w, y + BAR), (x, y + BAR)] for x, y, w, _ in bars]
    colors = [c for *_, c in bars]
    ax.add_collection(PolyCollection(verts, facecolors=colors, edgecolors="none"))


def to_png(fig: Figure) -> bytes:
    """The figure as a palette PNG: charts have a few flat colours, so 8 bits keep it small."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib leaves these two unannotated
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", canvas.get_width_height(), rgba, "raw", "RGBA", 0, 1)
    quantized = image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def render(chart: Chart) -> bytes:
    return to_png(figure(chart))


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    """One drawing process, started on first use. A process, not a thread: drawing is Python
    and C that hold the GIL, and on a busy machine a drawing thread kept the event loop from
    running for up to 1.5 s, a process for at most 60 ms (bench/charts.py). "spawn": forking
    a process that runs threads (the database driver's) is unsafe. One process bounds the
    memory (about 100 MB) and queues a burst of digests instead of taking both cores."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose process died: the next chart starts a new one."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def png(chart: Chart) -> bytes | None:
    """The chart drawn off the event loop: other chats are answered while it renders. None if
    drawing failed: the reply's text carries every figure, so it goes out without the image."""
    pool = _executor()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, render, chart)
    except BrokenProcessPool:
        log.exception("the chart process died; %r goes as text alone", chart.title)
        _discard(pool)
    except Exception:
        log.exception("chart %r not drawn; the text goes alone", chart.title)
    return None
