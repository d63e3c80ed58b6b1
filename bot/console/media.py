"""The console's files: what the bot sends is written to the media folder (default
./chatcrm-media/) for the person trying it to open; what they /attach is read from disk."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path

from handlers.media import MAX_INBOUND
from handlers.messages import Attachment, AttachmentKind

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
