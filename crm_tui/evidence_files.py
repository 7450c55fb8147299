"""Evidence photos chosen from local files: what the server takes (JPEG or PNG by content, at
most 5 MB, 1 to 4 of them), checked before anything is sent, so a wrong file is refused with a
message naming it instead of a failed upload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from api_client.client import MAX_EVIDENCE_PHOTOS, MAX_PHOTO_BYTES
from widgets.i18n import Texts

__all__ = ["MAX_EVIDENCE_PHOTOS", "Chosen", "choose", "human_size"]

TEXTS = Texts(
    id={
        "missing": "{name}: berkas tidak ditemukan.",
        "unreadable": "{name}: berkas tidak dapat dibaca.",
        "too_large": "{name}: {size}, lebih dari 5 MB.",
        "not_photo": "{name}: bukan foto JPEG atau PNG.",
    },
    en={
        "missing": "{name}: no such file.",
        "unreadable": "{name}: the file cannot be read.",
        "too_large": "{name}: {size}, larger than 5 MB.",
        "not_photo": "{name}: not a JPEG or PNG photo.",
    },
)

_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class Chosen:
    path: Path
    data: bytes


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def choose(text: str) -> Chosen | str:
    """The photo at `text` (a typed path, `~` expanded), or why it cannot be evidence."""
    path = Path(text.strip()).expanduser()
    name = path.name or text.strip()
    try:
        if not path.is_file():
            return TEXTS("missing", name=name)
        size = path.stat().st_size
        if size > MAX_PHOTO_BYTES:  # refused before reading it all
            return TEXTS("too_large", name=name, size=human_size(size))
        data = path.read_bytes()
    except OSError:
        return TEXTS("unreadable", name=name)
    if not data.startswith(_SIGNATURES):
        return TEXTS("not_photo", name=name)
    return Chosen(path, data)
