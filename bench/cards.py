"""Benchmark business-card reading: field accuracy and time per card on generated photos.

Run from anywhere:  python bench/cards.py [--cards 40] [--seed 1000] [-v]
Needs the `ocr` extra (pip install -e '.[ocr]') and the dev extra's CJK font package.
Each card is a made-up Chinese or English card (tests/card_images.py: four layouts, turned a
few degrees, blurred, noisy); its seven fields (name, title, company, phones, e-mail,
address, WeChat id) are compared with what was printed. Target: at least 90 % of fields.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers import ocr  # noqa: E402  (needs the repo root on sys.path)
from handlers.nlu.business_card import CardFields, extract  # noqa: E402
from tests.card_images import Truth, card_photo  # noqa: E402

FIELDS = ("name", "title", "company", "phones", "email", "address", "wechat")


def same(field: str, got: CardFields, want: Truth) -> bool:
    if field == "phones":
        return sorted((p.number, p.ext) for p in got.phones) == sorted(want.phones)
    a, b = getattr(got, field), getattr(want, field)
    if field == "address" and a and b:  # spacing and commas as OCR reads them
        return squash(a) == squash(b)
    return bool(a == b)


def squash(text: str) -> str:
    return re.sub(r"[\s,，]", "", text).lower()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not ocr.available():
        sys.exit("the ocr extra is not installed: pip install -e '.[ocr]'")
    start = time.perf_counter()
    ocr.read_lines_sync(card_photo(0)[0])  # the models load once, not per card
    print(f"engine load + first card: {time.perf_counter() - start:.2f} s")
    right = dict.fromkeys(FIELDS, 0)
    times, cpu = [], []
    for seed in range(args.seed, args.seed + args.cards):
        png, truth = card_photo(seed)
        start, cpu_start = time.perf_counter(), time.process_time()
        lines = ocr.read_lines_sync(png)
        got = extract(lines)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        wrong = [f for f in FIELDS if not same(f, got, truth)]
        for f in FIELDS:
            right[f] += f not in wrong
        if wrong and args.verbose:
            print(
                f"card {seed}: "
                + "; ".join(
                    f"{f}: got {getattr(got, f)!r} want {getattr(truth, f)!r}" for f in wrong
                )
            )
    total = sum(right.values())
    print(f"{args.cards} cards, {len(FIELDS)} fields each")
    for f in FIELDS:
        print(f"  {f:8} {right[f] / args.cards:6.1%}")
    print(f"field accuracy: {total / (args.cards * len(FIELDS)):.1%} (target ≥ 90 %)")
    print(
        f"time per card: mean {statistics.mean(times):.2f} s, "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
        f"CPU (all threads) mean {statistics.mean(cpu):.2f} s"
    )
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
