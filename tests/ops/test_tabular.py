"""Reading XLSX as a person sees it in Excel: dates, booleans, numbers, phonetic guides."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from handlers.services.ops.ownership import OpsError
from handlers.services.ops.tabular import read_table


def test_typed_cells_read_as_excel_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "生日", "跟进", "同意", "手机", "金额", "备注"])
    sheet.append(
        ["王五", date(1990, 3, 7), datetime(2026, 11, 23, 15, 30), True, 13912345678, 12.5, None]
    )
    sheet.append(["赵六", datetime(1988, 1, 2), None, False, "139 0000 1111", 3, "  空格  "])
    book.save(path)
    assert list(read_table(path)) == [
        ["姓名", "生日", "跟进", "同意", "手机", "金额", "备注"],
        ["王五", "1990-03-07", "2026-11-23 15:30", "TRUE", "13912345678", "12.5", ""],
        ["赵六", "1988-01-02", "", "FALSE", "139 0000 1111", "3", "空格"],
    ]


def test_phonetic_guides_are_not_part_of_the_name(tmp_path: Path) -> None:
    """Japanese Excel keeps the reading of a name (<rPh>) beside it in sharedStrings.xml."""
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "company"])
    book.active.append(["山田太郎", "東京商事"])
    book.save(plain)
    guided = tmp_path / "guided.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(guided, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode()
                assert "<t>山田太郎</t>" in text
                reading = '<rPh sb="0" eb="4"><t>ヤマダタロウ</t></rPh><phoneticPr fontId="1"/>'
                data = text.replace("<t>山田太郎</t>", f"<t>山田太郎</t>{reading}").encode()
            target.writestr(item, data)
    assert list(read_table(guided)) == [["name", "company"], ["山田太郎", "東京商事"]]


def test_cells_after_gaps_stay_in_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "gaps.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["C1"] = "name", "phone"
    sheet["A3"], sheet["C3"] = "李雷", "13900000001"  # row 2 empty, column B empty
    book.save(path)
    assert list(read_table(path)) == [["name", "", "phone"], ["李雷", "", "13900000001"]]


@pytest.mark.parametrize("name", ["broken.xlsx", "latin1.csv"])
def test_an_unreadable_file_is_a_clear_refusal(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(
        b"PK\x03\x04 not really a zip" if name.endswith("xlsx") else "Müller".encode("latin-1")
    )
    with pytest.raises(OpsError) as refused:
        list(read_table(path))
    assert refused.value.key == "imp.unreadable"
