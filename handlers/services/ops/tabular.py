"""Reading and writing CSV / XLSX tables as streams of rows, so 100k rows stay small in memory.

XLSX is written with openpyxl's write-only mode and read by a small streaming parser of the
sheet XML: rows are handled one at a time instead of building the whole sheet.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, fromstring, iterparse

import openpyxl  # type: ignore[import-untyped]


def read_table(path: Path) -> Iterator[list[str]]:
    """The header and then every row, as trimmed strings; empty rows skipped."""
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    for row in rows:
        cells = [v.strip() for v in row]
        if any(cells):
            yield cells


def _read_csv(path: Path) -> Iterator[list[str]]:
    # utf-8-sig: Excel writes a BOM when it saves CSV as UTF-8.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    """The first sheet's rows, streamed straight from the zip.

    openpyxl's read-only mode builds a cell object per value and takes ~10 s for 100k rows;
    reading the sheet XML with iterparse and clearing as we go takes ~2 s in constant memory.
    """
    with zipfile.ZipFile(path) as book:
        shared = _shared_strings(book)
        with book.open(_first_sheet(book)) as sheet:
            row: list[str] = []
            for _, el in iterparse(sheet):
                if el.tag == _NS + "c":
                    at = _column(el.get("r") or "")
                    row.extend([""] * (at - len(row)))
                    row.append(_cell(el, shared))
                    el.clear()
                elif el.tag == _NS + "row":
                    yield row
                    row = []
                    el.clear()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as handle:
        for _, el in iterparse(handle):
            if el.tag == _NS + "si":
                strings.append("".join(t.text or "" for t in el.iter(_NS + "t")))
                el.clear()
    return strings


def _first_sheet(book: zipfile.ZipFile) -> str:
    sheet = fromstring(book.read("xl/workbook.xml")).find(f"{_NS}sheets/{_NS}sheet")
    rels = fromstring(book.read("xl/_rels/workbook.xml.rels"))
    rel_id = sheet.get(_REL) if sheet is not None else None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _column(ref: str) -> int:
    """A1 -> 0, B7 -> 1, AA3 -> 26; cells may skip columns, so place each where it belongs."""
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return max(n - 1, 0)


def _cell(el: Element, shared: list[str]) -> str:
    kind = el.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in el.iter(_NS + "t"))
    value = el.findtext(_NS + "v") or ""
    if kind == "s":
        return shared[int(value)]
    if kind in (None, "n") and value:
        number = float(value)
        return str(int(number)) if number.is_integer() else value  # 1.3912345678E10
    return value


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
