"""Images the console receives (charts) saved as files, so a person trying the demo can open
them: the console prints the path where a chat app would show the picture."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from handlers.messages import Reply


def save_image(png: bytes, folder: Path) -> Path:
    """The PNG under a name from its content: the same chart asked twice is one file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"chart-{hashlib.sha256(png).hexdigest()[:12]}.png"
    if not path.exists():
        path.write_bytes(png)
    return path


def image_lines(replies: Sequence[Reply], folder: Path) -> list[str]:
    """One "🖼 path" line per image: relative to where the console runs when it is under it."""
    lines = []
    for reply in replies:
        if reply.image_png is not None:
            path = save_image(reply.image_png, folder)
            try:
                shown = path.resolve().relative_to(Path.cwd().resolve())
            except ValueError:
                shown = path.resolve()
            lines.append(f"🖼 {shown}")
    return lines
