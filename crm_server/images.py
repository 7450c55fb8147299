"""Photos (a citizen's at intake, an officer's evidence): accept JPEG and PNG only, and store a
re-encoded copy with no metadata.

Re-encoding from pixels is what removes EXIF (GPS, device, owner), XMP, IPTC, ICC and PNG text
chunks: nothing but the pixels survives. The orientation EXIF carried is applied first, and the
capture time it carried is read before it goes (validation compares it with the upload time).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

from crm_server.clock import WIB
from crm_server.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_SIDE = 2048  # what an operator's terminal (or a sixel) can use, with room to spare
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


_EXIF_IFD, _DATETIME, _DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x8769, 0x0132, 0x9003, 0x9011
_EXIF_TIME = re.compile(r"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int
    captured_at: int | None = None  # epoch seconds, from EXIF; None: the photo did not say
    pixels: Image.Image | None = None  # the pixels stored, before encoding (for the perceptual hash)


def _capture_time(exif: Image.Exif) -> int | None:
    """DateTimeOriginal (else DateTime), in its OffsetTimeOriginal zone, else taken as WIB.
    Untrusted: anything malformed or out of range is no time at all."""
    try:
        sub = exif.get_ifd(_EXIF_IFD)
        value = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        offset = sub.get(_OFFSET_TIME_ORIGINAL)
    except (KeyError, ValueError, TypeError, OSError, SyntaxError):
        return None
    if not isinstance(value, str) or not (match := _EXIF_TIME.fullmatch(value.strip("\x00 "))):
        return None
    zone = WIB
    if isinstance(offset, str) and (off := _EXIF_OFFSET.fullmatch(offset.strip("\x00 "))):
        sign = -1 if off.group(1) == "-" else 1
        zone = timezone(sign * timedelta(hours=int(off.group(2)), minutes=int(off.group(3))))
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except (ValueError, OverflowError):
        return None
    return int(moment.timestamp()) if 1990 <= moment.year <= 2100 else None


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
            captured_at = _capture_time(img.getexif())
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
    return CleanPhoto(out.getvalue(), content_type, bare.width, bare.height, captured_at, bare)
