"""Import from CSV / XLSX with mapping, preview, duplicates and rejects; export by team/owner."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from handlers.services.ops import exporter, importer
from handlers.services.ops.ownership import OpsError
from handlers.services.ops.tabular import TableWriter, read_table
from store.models import AuditLog, Customer
from store.scope import Scope
from tests.ops.helpers import add_customer, count, rows, user_named
from tests.world import Chat, World

ROWS = [
    ["客户姓名", "手机", "公司", "邮箱", "等级"],
    ["王小明", "139 0000 1111", "华为", "wxm@example.com", "a"],
    ["", "13900002222", "腾讯", "", ""],  # no name
    ["李雷", "12ab", "网易", "", ""],  # bad phone
    ["韩梅梅", "13900003333", "", "not-an-email", ""],
    ["王小明", "13900001111", "华为", "", ""],  # same as row 2
    ["张三", "13900000001", "", "", "B"],  # already in the org
    ["赵四", "", "小米", "", "D"],  # bad tier
    ["孙五", "", "小米", "", ""],
]


def _write(path: Path, table: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        for row in table:
            book.active.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)
    return path


async def _run(world: World, path: Path, **kw: object) -> importer.ImportReport:
    async with world.uows() as uow:
        owner = await user_named(uow, "rep_a")
        report = await importer.import_customers(
            uow,
            owner,
            world.org_id,
            owner,
            read_table(path),
            world.clock.now(),
            **kw,  # type: ignore[arg-type]
        )
        await uow.commit()
        return report


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_import_validates_dedupes_and_reports(
    people: dict[str, Chat], world: World, tmp_path: Path, suffix: str
) -> None:
    await add_customer(world, "rep_b", "张三", "13900000001")
    path = _write(tmp_path / f"in{suffix}", ROWS)
    preview = await _run(world, path, preview_only=True)
    assert (preview.created, preview.skipped) == (2, 1) and preview.preview[0]["name"] == "王小明"
    assert preview.mapping == {"name": "客户姓名", "phone": "手机", "company": "公司",
                               "email": "邮箱", "tier": "等级"}  # fmt: skip
    assert await count(world, Customer) == 1  # a preview writes nothing
    report = await _run(world, path)
    reasons = {n: r for n, r, _ in report.rejected}
    assert reasons == {3: "imp.no_name", 4: "imp.bad_phone", 5: "imp.bad_email",
                       6: "imp.dup_in_file", 8: "imp.bad_tier"}  # fmt: skip
    created = {c.name: c for c in await rows(world, Customer)}
    assert set(created) == {"张三", "王小明", "孙五"}
    assert created["王小明"].phone == "13900001111" and created["王小明"].tier == "A"
    assert created["王小明"].search_key and "wangxiaoming" in created["王小明"].search_key
    assert await count(world, AuditLog, action="customer.import") == 2


async def test_merge_strategy_fills_blanks_and_explicit_mapping(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    existing = await add_customer(world, "rep_a", "张三", "13900000001")
    path = _write(tmp_path / "m.csv", [["Who", "Tel", "Mail"], ["张三", "13900000001", "z@x.cn"]])
    with pytest.raises(OpsError):
        await _run(world, path)  # no column is recognisably the name
    mapping = {"name": "Who", "phone": "Tel", "email": "Mail"}
    report = await _run(world, path, explicit=mapping, on_duplicate="merge")
    assert report.merged == 1 and report.created == 0
    assert (await rows(world, Customer, id=existing))[0].email == "z@x.cn"
    report = await _run(world, path, explicit=mapping, on_duplicate="create")
    assert report.created == 1 and await count(world, Customer) == 2


async def test_export_by_team_owner_and_masking(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    await add_customer(world, "rep_a", "王小明", "13900001111")
    await add_customer(world, "rep_b", "李雷", "13900002222")
    await add_customer(world, "rep_w", "韩梅梅", "13900003333")
    async with world.uows() as uow:
        boss = await user_named(uow, "boss_east")
        rep_a = await user_named(uow, "rep_a")
        assert boss.team_id is not None
        team = await uow.users.team_member_ids(boss.team_id)
        scope = exporter.narrowed(Scope(world.org_id, None), team)
        out = tmp_path / "east.xlsx"
        assert await exporter.export(uow, scope, "customers", TableWriter(out, "xlsx")) == 2
        buf = io.BytesIO()
        mine = exporter.narrowed(Scope(world.org_id, None), frozenset({rep_a.id}))
        await exporter.export(uow, mine, "customers", TableWriter(buf, "csv"), viewer=boss)
    sheet = list(read_table(out))
    assert sheet[0][:3] == ["id", "name", "company"]
    assert sorted(r[1] for r in sheet[1:]) == ["李雷", "王小明"]
    text = buf.getvalue().decode("utf-8-sig")
    assert "王小明" in text and "139****1111" in text and "13900001111" not in text


async def test_duplicates_found_through_indexes_in_other_written_forms(
    people: dict[str, Chat], world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch looks the org's customers up by phone (stored form), case-blind email and
    case- and space-blind name + company; batches of two, so the look-up runs per batch."""
    monkeypatch.setattr(importer, "BATCH", 2)
    by_phone = await add_customer(world, "rep_b", "张三", "13900000001")
    by_name = await add_customer(world, "rep_b", "Emily Chen", None, "Acme Ltd")
    first = _write(tmp_path / "first.csv", [["name", "email"], ["李四", "Li.Si@Example.com"]])
    assert (await _run(world, first)).created == 1
    table = [
        ["name", "phone", "company", "email"],
        ["Zhang San", "+86 139-0000-0001", "", ""],  # 张三's phone, written otherwise
        ["王五", "", "", ""],
        ["emily  CHEN", "", "acme ltd", ""],  # Emily Chen at Acme Ltd
        ["Emily Chen", "", "", ""],  # no company: someone else
        ["李小四", "", "", "li.si@example.COM"],  # 李四's email
    ]
    report = await _run(world, _write(tmp_path / "second.csv", table), on_duplicate="merge")
    assert (report.created, report.merged, report.skipped, report.rejected) == (2, 3, 0, [])
    customers = await rows(world, Customer)
    assert sorted(c.name for c in customers) == sorted(
        ["张三", "Emily Chen", "李四", "王五", "Emily Chen"]
    )
    merged = {c.id: c for c in customers}
    assert merged[by_name].phone is None and merged[by_phone].name == "张三"
    assert next(c for c in customers if c.name == "李四").email == "Li.Si@Example.com"


async def test_birthday_column_solar_lunar_and_bad(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    existing = await add_customer(world, "rep_a", "张三", "13900000001")
    table = [
        ["姓名", "电话", "生日"],
        ["王小明", "13900001111", "1985-03-05"],
        ["李雷", "13900002222", "农历三月初五"],
        ["韩梅梅", "13900003333", "2月30日"],  # no such day
        ["Li Wei", "13900004444", "May 3"],
        ["张三", "13900000001", "农历腊月廿三"],  # already there: merged
    ]
    path = _write(tmp_path / "b.csv", table)
    preview = await _run(world, path, preview_only=True, on_duplicate="merge")
    assert preview.preview[0]["birthday"] == "1985-03-05"
    assert preview.preview[1]["birthday_lunar"] == "True"
    report = await _run(world, path, on_duplicate="merge")
    assert [(n, r) for n, r, _ in report.rejected] == [(4, "imp.bad_birthday")]
    assert (report.created, report.merged) == (3, 1)
    born = {c.name: (c.birthday, c.birthday_lunar) for c in await rows(world, Customer)}
    assert born["王小明"] == (date(1985, 3, 5), False)
    assert born["李雷"] == (date(1904, 3, 5), True)
    assert born["Li Wei"] == (date(1904, 5, 3), False)
    assert born["张三"] == (date(1904, 12, 23), True)
    merged = await rows(world, AuditLog, action="customer.import_merge", entity_id=existing)
    assert merged[0].after == {
        "org_id": world.org_id,
        "birthday": "1904-12-23",
        "birthday_lunar": True,
    }


async def test_a_second_phone_goes_out_and_comes_back_in(
    people: dict[str, Chat], world: World, tmp_path: Path
) -> None:
    """The customers export carries phone2; a table with a 座机 column imports it, checked
    like the first number."""
    path = _write(tmp_path / "two.csv", [
        ["姓名", "手机", "座机"],
        ["王小明", "13900001111", "010-8888 6666"],
        ["李雷", "13900002222", "12ab"],  # not a number: the row is refused
    ])  # fmt: skip
    report = await _run(world, path)
    assert report.created == 1
    assert [(n, r) for n, r, _ in report.rejected] == [(3, "imp.bad_phone")]
    [saved] = await rows(world, Customer, name="王小明")
    assert saved.phone2 == "01088886666"
    async with world.uows() as uow:
        out = tmp_path / "out.csv"
        await exporter.export(uow, Scope(world.org_id, None), "customers", TableWriter(out, "csv"))
    header, row = list(read_table(out))[:2]
    assert row[header.index("phone2")] == "01088886666"
