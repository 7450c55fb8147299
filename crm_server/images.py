"""Intake photos: accept JPEG and PNG only, and store a re-encoded copy with no metadata.

Re-encoding from pixels is what removes EXIF (GPS, device, owner), XMP, IPTC, ICC and PNG text
chunks: nothing but the pixels survives. The orientation EXIF carried is applied first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from crm_server.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_SIDE = 2048  # what an operator's terminal (or a sixel) can use, with room to spare
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_photo(raw: bytes) -> CleanPhoto:
    if len(raw) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge("The photo is larger than 5 MB.")
    if raw.startswith(_JPEG_MAGIC):
        fmt, content_type = "JPEG", "image/jpeg"
    elif raw.startswith(_PNG_MAGIC):
        fmt, content_type = "PNG", "image/png"
    else:
        raise UnsupportedMediaType()
    try:
        with Image.open(io.BytesIO(raw), formats=[fmt]) as img:
            if img.width * img.height > MAX_PIXELS:
                raise Unprocessable("The photo has too many pixels.")
            img.load()
            pixels = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise Unprocessable("The photo could not be read.") from None
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    mode = "RGBA" if fmt == "PNG" and pixels.mode in ("RGBA", "LA", "P", "PA") else "RGB"
    # A fresh image has an empty info dict: no EXIF, ICC, XMP or text chunk can be written back.
    bare = Image.new(mode, pixels.size)
    bare.paste(pixels.convert(mode))
    out = io.BytesIO()
    if fmt == "JPEG":
        bare.save(out, "JPEG", quality=85, optimize=True)
    else:
        bare.save(out, "PNG", optimize=True)
    return CleanPhoto(out.getvalue(), content_type, bare.width, bare.height)
