"""The operations CLI in-process on a SQLite file: import, export, retention, forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import Settings
from main import parser, run
from tests.ops.test_ops_import import ROWS, _write


async def _cli(capsys: pytest.CaptureFixture[str], settings: Settings, *argv: str) -> str:
    code = await run(parser().parse_args(["admin", *argv]), settings)
    out = capsys.readouterr().out
    assert code == 0, out
    return out


async def test_import_export_retention_forget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    assert "org 1 created" in await _cli(capsys, settings, "create-org", "测试")
    src = _write(tmp_path / "in.xlsx", ROWS)
    out = await _cli(capsys, settings, "import", str(src), "--org", "1", "--preview")
    assert "3 created" in out and "would be" in out and "row 4: not a phone number" in out
    rejects = tmp_path / "rejects.csv"
    out = await _cli(capsys, settings, "import", str(src), "--org", "1", "--rejects", str(rejects))
    assert "3 created, 0 merged" in out and "5 rejected" in out
    assert "duplicate of row 2" in rejects.read_text(encoding="utf-8-sig")
    dest = tmp_path / "all.csv"
    out = await _cli(
        capsys, settings, "export", "--org", "1", "--what", "customers", "--out", str(dest)
    )
    assert "3 customers written" in out and "13900001111" in dest.read_text(encoding="utf-8-sig")
    assert "365 days" in await _cli(capsys, settings, "retention", "--org", "1", "--days", "365")
    assert "anonymised" in await _cli(capsys, settings, "forget", "--customer", "1")
    one = tmp_path / "one.json"
    args = ["export", "--org", "1", "--what", "customer", "--customer", "1", "--out", str(one)]
    await _cli(capsys, settings, *args)
    data = json.loads(one.read_text(encoding="utf-8"))
    assert data["customer"]["name"] == "#1" and data["customer"]["phone"] is None
    assert all("王小明" not in json.dumps(r, ensure_ascii=False) for r in data["audit_log"])
