"""Score a Chinese date/time parser on the zh dev split: ours, jionlp or ChineseTimeNLP.

Run from anywhere, with a python that has the parser installed:
    /work/venv/bin/python bench/compare_time_parsers.py --parser ours
    /tmp/v_jio/bin/python bench/compare_time_parsers.py --parser jionlp
    /tmp/v_ctn/bin/python bench/compare_time_parsers.py --parser ctn
The candidates are not project dependencies: install each into its own throwaway virtualenv.
Scoring reuses `matches` from ../shared/tools/score_when.py. A candidate gets the naive local
reference time, and the reference's tzinfo is attached to its naive result.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "zh_time_dev.jsonl"

Parser = Callable[[str, datetime], datetime | None]


def _naive(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def load_ours() -> Parser:
    sys.path.insert(0, str(ROOT))
    from handlers.nlu.when import parse_when

    def parse(phrase: str, ref: datetime) -> datetime | None:
        result = parse_when(phrase, ref)
        return None if result is None else result.start

    return parse


def load_jionlp(future: bool) -> Parser:
    import jionlp  # type: ignore[import-not-found]

    def parse(phrase: str, ref: datetime) -> datetime | None:
        base = ref.replace(tzinfo=None)
        try:
            result: dict[str, Any] = jionlp.parse_time(phrase, time_base=base, ret_future=future)
        except ValueError:  # jionlp raises on strings it cannot parse
            return None
        times = result.get("time")
        if isinstance(times, list) and times:  # time_point / time_span: [start, end]
            return _naive(times[0]).replace(tzinfo=ref.tzinfo)
        if isinstance(times, dict) and isinstance(times.get("point"), dict):  # time_period
            point = times["point"].get("time")
            if isinstance(point, list) and point:
                return _naive(point[0]).replace(tzinfo=ref.tzinfo)
        return None  # time_delta (a duration) has no start

    return parse


def load_ctn(future: bool) -> Parser:
    import arrow  # type: ignore[import-not-found]
    from ChineseTimeNLP import TimeNormalizer  # type: ignore[import-not-found]
    from loguru import logger  # type: ignore[import-not-found]

    logger.remove()  # the package logs to stdout at INFO
    normalizer = TimeNormalizer(isPreferFuture=future)

    def parse(phrase: str, ref: datetime) -> datetime | None:
        result: dict[str, Any] = normalizer.parse(phrase, arrow.get(ref.replace(tzinfo=None)))
        kind = result.get("type")
        if kind == "timestamp":
            return _naive(result["timestamp"]).replace(tzinfo=ref.tzinfo)
        if kind == "timespan":
            return _naive(result["timespan"][0]).replace(tzinfo=ref.tzinfo)
        return None  # "error", or "timedelta" (a duration, no start)

    return parse


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--parser", choices=["ours", "jionlp", "ctn"], required=True)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--past",
        action="store_true",
        help="candidates: don't prefer the future (jionlp's own default; ours always does)",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    args = ap.parse_args()

    sys.path.insert(0, str(SHARED / "tools"))
    from score_when import matches  # type: ignore[import-not-found]

    t0 = time.perf_counter()
    if args.parser == "ours":
        parse = load_ours()
    elif args.parser == "jionlp":
        parse = load_jionlp(future=not args.past)
    else:
        parse = load_ctn(future=not args.past)
    import_s = time.perf_counter() - t0

    cases = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    passed = crashed = 0
    elapsed = 0.0
    for case in cases:
        ref = datetime.fromisoformat(case["reference"])
        t1 = time.perf_counter()
        try:
            got = parse(case["phrase"], ref)
            err: Exception | None = None
        except Exception as exc:  # a crash is a failure, not the end of scoring
            got, err = None, exc
            crashed += 1
        elapsed += time.perf_counter() - t1
        good = got is not None and bool(matches(got, case))
        passed += good
        if not good and args.verbose:
            print(
                f"  FAIL {case['id']} {case['phrase']!r}: got {err or got}, "
                f"expected {case['expected']} ({case['grain']})"
            )
    total = len(cases)
    print(
        f"{args.parser}: {passed}/{total} = {100 * passed / max(total, 1):.1f}%, "
        f"{1000 * elapsed / max(total, 1):.2f} mean ms/phrase "
        f"(import {import_s:.2f} s, {crashed} crashed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
