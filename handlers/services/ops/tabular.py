"""Reading and writing CSV / XLSX tables as streams of rows, so 100k rows stay small in memory.

XLSX is written with openpyxl's write-only mode and read with python-calamine (a Rust reader):
cell values come typed, so a date reads as 2026-11-23 (not Excel's serial number 46349), a
boolean as TRUE / FALSE, a phone typed as a number as 13912345678, and the phonetic guides
Japanese Excel stores beside a name (<rPh>) are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped]
from python_calamine import CalamineError, CalamineWorkbook

from handlers.i18n import add_texts
from handlers.services.ops.ownership import OpsError

add_texts(
    {
        "imp.unreadable": (
            "无法读取这个文件（{detail}）。请另存为 .xlsx 或 UTF-8 编码的 .csv 再试。",
            "Cannot read this file ({detail}). Save it as .xlsx or as UTF-8 .csv and try again.",
        ),
    }
)


def read_table(path: Path) -> Iterator[list[str]]:
    """The header and then every row, as trimmed strings; empty rows skipped.

    A file that is not a table raises OpsError("imp.unreadable") when reading starts.
    """
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    return _trimmed(rows)


def read_table_bytes(data: bytes, xlsx: bool) -> Iterator[list[str]]:
    """read_table for a file sent in chat: the same rows, from memory."""
    return _trimmed(_read_xlsx(io.BytesIO(data)) if xlsx else _read_csv_bytes(data))


def _trimmed(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        for row in rows:
            cells = [v.strip() for v in row]
            if any(cells):
                yield cells
    except (CalamineError, UnicodeDecodeError, csv.Error, OSError, ValueError) as exc:
        raise OpsError("imp.unreadable", detail=type(exc).__name__) from exc


def _read_csv(path: Path) -> Iterator[list[str]]:
    # utf-8-sig: Excel writes a BOM when it saves CSV as UTF-8.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _read_csv_bytes(data: bytes) -> Iterator[list[str]]:
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _read_xlsx(source: Path | IO[bytes]) -> Iterator[list[str]]:
    """The first sheet's rows (calamine holds the sheet's values, compactly, in Rust)."""
    if isinstance(source, Path):
        book = CalamineWorkbook.from_path(str(source))
    else:
        book = CalamineWorkbook.from_filelike(source)
    try:
        for row in book.get_sheet_by_index(0).iter_rows():
            yield [_text(value) for value in row]
    finally:
        book.close()


def _text(value: Any) -> str:
    """A cell as the text a person sees in Excel."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: a bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13912345678.0, typed as a number
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


class TableWriter:
    """Rows appended one at a time to a CSV or XLSX file or byte stream."""

    def __init__(self, target: Path | IO[bytes], fmt: str) -> None:
        self.target, self.fmt, self.rows = target, fmt, 0
        if fmt == "xlsx":
            self.book = openpyxl.Workbook(write_only=True)
            self.sheet = self.book.create_sheet()
            return
        self.handle = target.open("wb") if isinstance(target, Path) else target
        # utf-8-sig so Excel shows Chinese names instead of mojibake.
        self.text = io.TextIOWrapper(self.handle, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text)

    def append(self, row: list[Any]) -> None:
        if self.fmt == "xlsx":
            self.sheet.append(row)
        else:
            self.writer.writerow(["" if v is None else v for v in row])
        self.rows += 1

    def close(self) -> None:
        if self.fmt == "xlsx":
            self.book.save(self.target)
            return
        self.text.flush()
        self.text.detach()
        if isinstance(self.target, Path):
            self.handle.close()


def fmt_of(path: Path) -> str:
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
