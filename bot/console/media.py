"""The console's files: what the bot sends is written to the media folder (default
./chatcrm-media/) for the person trying it to open, charts included, and the path printed where
a chat app would show the picture; what they /attach is read from disk."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from collections.abc import Sequence
from pathlib import Path

from handlers.media import MAX_INBOUND
from handlers.messages import Attachment, AttachmentKind, Reply

MEDIA_DIR = Path("chatcrm-media")
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic"}


def save(name: str, data: bytes, folder: Path = MEDIA_DIR) -> Path:
    """Write `data` as `name` in `folder` (made if missing); a name taken gets -1, -2 …;
    only the name's last part counts, so nothing is written outside the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    base = Path(Path(name).name or "file")
    stem, suffix = base.stem or "file", base.suffix
    path, n = folder / base, 0
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    path.write_bytes(data)
    return path.resolve()


def attachment_for(path: Path) -> Attachment:
    """A local file as a chat app would send it: an image as a photo, else a document."""
    kind: AttachmentKind = "photo" if path.suffix.lower() in IMAGES else "document"
    size = path.stat().st_size if path.is_file() else None
    mime = mimetypes.guess_type(path.name)[0]
    return Attachment(kind, str(path.resolve()), name=path.name, size=size, mime=mime)


class LocalFiles:
    """MediaReader for the console: the attachment's value is a local path."""

    async def read(self, attachment: Attachment) -> bytes | None:
        return await asyncio.to_thread(_read, Path(attachment.value))


def _read(path: Path) -> bytes | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_INBOUND:
            return None
        return path.read_bytes()
    except OSError:
        return None


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
