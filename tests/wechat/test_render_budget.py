"""WeChat text numbers choices as the console (and the router) does, within its byte limit."""

from __future__ import annotations

import re

from bot.console.chat import render
from bot.wechat.render import render_body, split_text
from handlers.desk.notify import numbered_bodies
from handlers.messages import Choice, Reply

BATCH = [
    Reply("请确认：", (Choice("✅ 保存", "vi:ok"), Choice("✏️ 改类型", "vi:kind"))),
    Reply("没有按钮"),
    Reply("还有：", (Choice("❌ 取消", "vi:no"),)),
]


def test_numbers_match_the_console_across_a_batch() -> None:
    console = re.findall(r"(\d+)\. (.+)", render(BATCH))
    wechat = [
        found
        for body in numbered_bodies(BATCH, "zh")
        for found in re.findall(r"回复 (\d+) (.+)", render_body(body))
    ]
    assert wechat == console == [("1", "✅ 保存"), ("2", "✏️ 改类型"), ("3", "❌ 取消")]
    english = render_body(numbered_bodies(BATCH, "en")[2])
    assert english.endswith("Reply 3: ❌ 取消")


def test_long_text_is_split_within_wechats_byte_limit() -> None:
    text = "\n".join(f"第{i}行：客户资料" * 5 for i in range(200))
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p.encode()) <= 2000 for p in pieces)
    assert "\n".join(pieces) == text
    one_line = "长" * 2000
    assert "".join(split_text(one_line)) == one_line
