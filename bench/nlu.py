"""Benchmark understand() on 10,000 generated rep messages: throughput, p50/p99, import cost.

Run from anywhere:  python bench/nlu.py [--n 10000] [--seed 7]
Targets: p99 < 5 ms per message, importing handlers.nlu.intent < 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.nlu.intent import understand  # noqa: E402  (needs the repo root on sys.path)

ZH_TEMPLATES = [
    "{when}拜访{company}{person}，谈了报价，{next}回访",
    "{when}给{person}打了电话，他说{amount}的单子{next}签",
    "提醒我{next}给{company}{person}打电话",
    "查一下{company}",
    "{company}那单赢了",
    "{company}的{person}那单丢了，被竞品抢了",
    "把{company}推进到方案报价，预算{amount}",
    "{when}和{person}开会，确认了需求，{next}再约",
    "我的漏斗",
    "帮助",
]
EN_TEMPLATES = [
    "met {en_company}'s {en_person} {en_when}, sent the quote, follow up {en_next}",
    "called {en_person} {en_when}, deal worth {en_amount}, they will sign {en_next}",
    "remind me to call {en_person} {en_next}",
    "show {en_company}",
    "{en_company} deal won {en_amount}",
    "lost the {en_company} deal",
    "how's my pipeline",
    "move {en_company} to proposal, follow up {en_next}",
    "had a meeting with Mr. {en_person} {en_when} about requirements",
    "what can you do",
]
FILL = {
    "company": ["华为", "腾讯", "阿里巴巴", "字节跳动", "比亚迪", "美的集团", "中建三局", "京东"],
    "person": ["张总", "王经理", "李老师", "刘工", "陈姐", "赵总监", "孙主任", "周先生"],
    "when": ["今天", "昨天下午", "今天上午", "前天", "上周五", "刚才", "今早", "3月5号"],
    "next": ["下周三", "明天下午3点", "三天后", "月底", "下个月5号", "周五", "后天上午10点",
             "两周后"],
    "amount": ["50万", "¥30,000", "一百二十万", "5万块", "1.5亿", "80万", "3千", "20万"],
    "en_company": ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"],
    "en_person": ["Li", "Smith", "Garcia", "Chen", "Brown", "Wang"],
    "en_when": ["today", "yesterday afternoon", "this morning", "last Friday", "on Monday"],
    "en_next": ["Friday", "next Tuesday", "tomorrow 3pm", "in 3 days", "end of month",
                "March 15th", "next week"],
    "en_amount": ["$5k", "20k USD", "€3,500", "$1.2m", "USD 20,000"],
}


def generate(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    messages = []
    for i in range(n):
        template = rng.choice(ZH_TEMPLATES if i % 2 == 0 else EN_TEMPLATES)
        values = {key: rng.choice(options) for key, options in FILL.items()}
        messages.append(template.format(**values))
    return messages


def import_cost(repeats: int = 5) -> float:
    """Seconds `import handlers.nlu.intent` adds over a bare interpreter start (best of n)."""
    def best(code: str) -> float:
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
            runs.append(time.perf_counter() - started)
        return min(runs)

    return best("import handlers.nlu.intent") - best("pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    messages = generate(args.n, args.seed)
    now = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    latencies = []
    intents: dict[str, int] = {}
    started = time.perf_counter()
    for text in messages:
        t0 = time.perf_counter()
        result = understand(text, now)
        latencies.append(time.perf_counter() - t0)
        intents[result.intent] = intents.get(result.intent, 0) + 1
    total = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    print(f"messages: {len(messages)}  ({len(messages) / total:,.0f} messages/s)")
    print(f"latency per message: p50 {cuts[49] * 1000:.3f} ms, p99 {cuts[98] * 1000:.3f} ms, "
          f"max {max(latencies) * 1000:.3f} ms")
    print(f"import handlers.nlu.intent adds {import_cost():.3f} s")
    print("intents: " + ", ".join(f"{k} {v}" for k, v in sorted(intents.items())))


if __name__ == "__main__":
    main()
