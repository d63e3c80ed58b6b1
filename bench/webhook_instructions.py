"""CPU instructions one webhook update costs, counted by valgrind: the same on every run.

bench/webhook_cost.py's CPU milliseconds drift with this shared machine by a third between
runs, too much to see a 3 % change. Valgrind's cachegrind counts the instructions the process
executes instead (to ~0.3 % between runs). Each handler runs twice under it, with the same
warm-up and then 0 or --updates updates of bench/webhook_cost.py's loop (ASGI in process,
fresh SQLite file or PostgreSQL database, outbox filled but not delivered); the difference
divided by --updates is the cost of one update, the in-process HTTP client included.

Needs valgrind (Debian: apt-get install valgrind). Each handler takes about a minute.
On PostgreSQL only this process is counted, not the database server's work.

Run from the repo root:  python bench/webhook_instructions.py [--updates 400]
  [--backend sqlite|postgres] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webhook_cost import (  # noqa: E402  (needs the repo root on sys.path)
    CHATS,
    add_backend_options,
    backend_url,
    webhook_poster,
)

# Each chat's /visit, its first Save (which opens the customer's deal) and its next /visit: the
# counted updates are then the steady state, Saves that find the deal and the visits after.
WARM_UP = 3 * CHATS
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


async def run_updates(mode: str, updates: int, pg_url: str) -> None:
    """The child: start, warm up, then post `updates` more updates of `mode`."""
    async with webhook_poster(mode, "instructions", pg_url) as post:
        await post(WARM_UP + updates)


def instructions(mode: str, updates: int, pg_url: str) -> int:
    """Instructions the child executed in all, start-up and warm-up included."""
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, __file__, "--child", mode, "--updates", str(updates),
        *(("--backend", "postgres", "--pg-url", pg_url) if pg_url else ()),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_backend_options(parser)
    parser.add_argument("--child", choices=("echo", "visit"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    pg_url = backend_url(args)
    if args.child:
        asyncio.run(run_updates(args.child, args.updates, pg_url))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    per_update = {}
    for mode in ("echo", "visit"):
        base, loaded = instructions(mode, 0, pg_url), instructions(mode, args.updates, pg_url)
        per_update[mode] = (loaded - base) / args.updates / 1e6
    print("| handler | M instructions per update |")
    print("|---|---|")
    for mode, millions in per_update.items():
        print(f"| {mode} | {millions:.2f} |")
    print(f"echo/visit: {per_update['echo'] / per_update['visit']:.2f}")


if __name__ == "__main__":
    main()
