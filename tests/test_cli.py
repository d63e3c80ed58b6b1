"""The command line as a new user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # each test starts the program as a process, several times


def run(
    args: list[str], cwd: Path, stdin: str = "", status: int = 0, env: dict[str, str] | None = None
) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CHATCRM_")}
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=120,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_scripted_console_demo(tmp_path: Path) -> None:
    script = "/help\n查客户 zs\n1\n/visit 今天拜访华为张总，谈了报价，下周三回访\n1\n/today\n"
    out = run(["console", "--demo"], tmp_path, script)
    assert "我可以帮你" in out
    assert "是哪一位" in out  # initials alone are a suggestion, picked with 1
    assert "👤 张三" in out
    assert "已记录拜访" in out
    assert "> /today" in out
    assert (tmp_path / "chatcrm-demo.db").exists()
    again = run(["console", "--demo", "--as", "rep3"], tmp_path, "/customer Li Wei\n")
    assert "Li Wei" in again  # the second run reuses the seeded demo, in Emily's English


def test_nlu_prints_json_without_a_database(tmp_path: Path) -> None:
    out = run(
        ["nlu", "今天拜访华为张总，谈了报价，下周三回访", "--now", "2026-11-23T10:00:00+08:00"],
        tmp_path,
    )
    data = json.loads(out)
    assert data["intent"] == "log_visit"
    assert data["customer_mention"] == "华为张总"
    assert data["stage"] == "proposal"
    assert data["follow_up_at"].startswith("2026-12-02") or data["follow_up_at"].startswith(
        "2026-11-25"
    )
    assert not list(tmp_path.iterdir())


def test_admin_bootstrap_then_join_in_console(tmp_path: Path) -> None:
    db = {"CHATCRM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"}
    assert "schema up to date" in run(["migrate"], tmp_path, env=db)
    out = run(["admin", "create-org", "Acme 销售"], tmp_path, env=db)
    admin_code = re.search(r"/start (\w+)", out)
    assert admin_code is not None
    assert "team 1 created" in run(
        ["admin", "create-team", "--org", "1", "华东"], tmp_path, env=db
    )
    out = run(["admin", "invite", "--org", "1", "--role", "rep", "--team", "1"], tmp_path, env=db)
    rep_code = re.search(r"code: (\w+)", out)
    assert rep_code is not None
    chat = f"/help\n/start {rep_code.group(1)}\n/newcustomer 欧阳锋 13912345678 白驼山庄\n"
    out = run(["console", "--user", "wang"], tmp_path, chat, env=db)
    assert "邀请码" in out.split("> /start")[0]
    assert "欢迎加入" in out
    assert "已新建客户" in out
    listing = run(["admin", "users", "--org", "1"], tmp_path, env=db)
    assert "rep" in listing
    assert "华东" in listing
    assert "no organisation" in run(["admin", "users", "--org", "9"], tmp_path, status=2, env=db)


def test_pipeline_stages_are_configurable(tmp_path: Path) -> None:
    db = {"CHATCRM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"}
    run(["admin", "create-org", "Acme"], tmp_path, env=db)
    args = ["admin", "set-stage", "--org", "1", "proposal", "--zh", "报价", "--en", "Quote"]
    out = run([*args, "--probability", "40"], tmp_path, env=db)
    assert "proposal" in out
    assert "报价 / Quote" in out
    add = ["admin", "set-stage", "--org", "1", "trial", "--zh", "试用", "--en", "Trial"]
    out = run([*add, "--probability", "60"], tmp_path, env=db)
    lines = [line.split() for line in out.strip().splitlines()]
    keys = [parts[1] for parts in lines]
    assert keys[-3:] == ["trial", "won", "lost"]
    refused = ["admin", "set-stage", "--org", "1", "won", "--zh", "赢", "--en", "W"]
    assert "fixed" in run([*refused, "--probability", "100"], tmp_path, status=2, env=db)
