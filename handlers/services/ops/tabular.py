"""Reading and writing CSV / XLSX tables as streams of rows, so 100k rows stay small in memory.

XLSX goes through openpyxl in read-only / write-only mode: rows are parsed and written one at
a time instead of building the whole sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped]


def read_table(path: Path) -> Iterator[list[str]]:
    """The header and then every row, as trimmed strings; empty rows skipped."""
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    for row in rows:
        cells = [_text(v) for v in row]
        if any(cells):
            yield cells


def _read_csv(path: Path) -> Iterator[list[str]]:
    # utf-8-sig: Excel writes a BOM when it saves CSV as UTF-8.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _read_xlsx(path: Path) -> Iterator[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into Excel come back as 13912345678.0
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


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
