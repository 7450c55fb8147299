"""Synthetic, deterministic "report photos" for demo data.

Each picture is a simple street scene (sky, buildings, road) plus a motif hinting at the
category: a pothole, flood water, rubbish bags, parked cars, vendor stalls, a dark street
lamp, a fallen tree. Nothing is written on the image, so it reads like a citizen's photo
rather than a label. The JPEG carries no EXIF, like photos JAKI strips before publishing.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

from PIL import Image, ImageDraw

# First match wins, so more specific keywords come before the ones they contain.
_MOTIF_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pothole", ("tutup-saluran",)),
    ("tree", ("pohon", "jalur-hijau", "angin")),
    ("light", ("lampu", "pju", "penerangan")),
    ("water", ("banjir", "genangan", "saluran", "kali", "rob", "tanggul", "pompa", "pintu-air", "sumur")),
    ("rubbish", ("sampah", "tps", "limbah", "bangkai")),
    ("cars", ("parkir", "kendaraan", "ngetem", "ojek", "kemacetan", "angkutan")),
    ("stalls", ("pkl", "pedagang", "lokasi-binaan", "pasar")),
    ("pothole", ("jalan", "trotoar", "galian", "manhole", "tutup-saluran", "jembatan", "jpo")),
)


_MIN_SIZE = 32


def _motif(category_code: str) -> str:
    for motif, keywords in _MOTIF_KEYWORDS:
        for keyword in keywords:
            if keyword in category_code:
                return motif
    return "generic"


Box = Sequence[float]  # x0, y0, x1, y1, in either order
Fill = tuple[int, ...]


class _Canvas:
    """ImageDraw with boxes normalised, so tiny images with collapsed shapes still render."""

    __slots__ = ("_draw", "line", "polygon")

    def __init__(self, draw: ImageDraw.ImageDraw) -> None:
        self._draw = draw
        self.line = draw.line
        self.polygon = draw.polygon

    def rectangle(self, box: Box, fill: Fill) -> None:
        x0, y0, x1, y1 = box
        self._draw.rectangle([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], fill=fill)

    def ellipse(self, box: Box, fill: Fill) -> None:
        x0, y0, x1, y1 = box
        self._draw.ellipse([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], fill=fill)


def _jitter(rng: random.Random, color: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in color)  # type: ignore[return-value]


def _gradient(
    draw: _Canvas, x0: int, y0: int, x1: int, y1: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> None:
    span = max(1, y1 - y0)
    for y in range(y0, y1):
        t = (y - y0) / span
        draw.line(
            [(x0, y), (x1, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )


def synthetic_photo(seed: int, category_code: str, width: int = 320, height: int = 240) -> bytes:
    """A JPEG of a street-scene-like picture for ``category_code``, identical for identical arguments."""
    if width < _MIN_SIZE or height < _MIN_SIZE:
        raise ValueError(f"photo must be at least {_MIN_SIZE}x{_MIN_SIZE} pixels")
    # Seeding with a str is stable across processes (unlike hash()), so photos are reproducible.
    rng = random.Random(f"{seed}:{category_code}:{width}x{height}")
    motif = _motif(category_code)
    night = motif == "light" or rng.random() < 0.08

    img = Image.new("RGB", (width, height))
    draw = _Canvas(ImageDraw.Draw(img))
    horizon = int(height * rng.uniform(0.38, 0.52))

    if night:
        _gradient(draw, 0, 0, width, horizon, (10, 14, 38), (48, 52, 90))
    else:
        _gradient(draw, 0, 0, width, horizon, _jitter(rng, (110, 160, 215), 20), _jitter(rng, (200, 215, 230), 15))

    # Skyline: a row of buildings with a few windows.
    x = -rng.randint(0, 20)
    while x < width:
        w = max(2, rng.randint(width // 12, width // 5))
        h = max(2, rng.randint(height // 10, int(height * 0.35)))
        shade = rng.randint(90, 190) if not night else rng.randint(25, 60)
        color = _jitter(rng, (shade, shade - 5, shade - 15), 12)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=color)
        window = (240, 220, 140) if night else _jitter(rng, (150, 175, 200), 20)
        for wy in range(horizon - h + 6, horizon - 6, 12):
            for wx in range(x + 4, x + w - 6, 10):
                if rng.random() < (0.35 if night else 0.6):
                    draw.rectangle([wx, wy, wx + 4, wy + 5], fill=window)
        x += w + rng.randint(0, 8)

    # Ground: sidewalk band then the road in perspective.
    ground_top = (70, 70, 74) if night else _jitter(rng, (125, 122, 118), 10)
    ground_bottom = (40, 40, 44) if night else _jitter(rng, (85, 84, 82), 10)
    _gradient(draw, 0, horizon, width, height, ground_top, ground_bottom)
    vanish_x = int(width * rng.uniform(0.35, 0.65))
    road_color = (55, 55, 60) if night else _jitter(rng, (95, 95, 100), 8)
    draw.polygon(
        [(vanish_x - 6, horizon), (vanish_x + 6, horizon), (int(width * 1.05), height), (int(-width * 0.05), height)],
        fill=road_color,
    )
    # Dashed centre line, segments growing toward the viewer.
    steps = 8
    for i in range(steps):
        t0 = (i + 0.2) / steps
        t1 = (i + 0.6) / steps
        y0 = horizon + (height - horizon) * t0 * t0
        y1 = horizon + (height - horizon) * t1 * t1
        half = 1 + 3 * t1
        draw.polygon(
            [(vanish_x - half * 0.6, y0), (vanish_x + half * 0.6, y0), (vanish_x + half, y1), (vanish_x - half, y1)],
            fill=(220, 215, 190) if not night else (150, 145, 130),
        )

    _MOTIFS[motif](draw, rng, width, height, horizon, vanish_x, night)

    buf = io.BytesIO()
    # No exif argument: Pillow then writes a plain JFIF file with no metadata at all.
    img.save(buf, format="JPEG", quality=82)
    return buf.getvalue()


def _road_point(
    rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, near: float = 0.45
) -> tuple[int, int, float]:
    """A point on the road surface and its perspective scale (0 at the horizon, 1 at the bottom)."""
    t = rng.uniform(near, 0.92)
    y = horizon + (height - horizon) * t
    half_road = (width * 0.55) * t
    x = vanish_x + rng.uniform(-0.6, 0.6) * half_road
    return int(x), int(y), t


def _pothole(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    for _ in range(rng.randint(1, 3)):
        x, y, t = _road_point(rng, width, height, horizon, vanish_x)
        rx = int(width * 0.12 * t * rng.uniform(0.6, 1.3))
        ry = max(3, int(rx * rng.uniform(0.25, 0.4)))
        draw.ellipse([x - rx - 3, y - ry - 2, x + rx + 3, y + ry + 2], fill=(130, 125, 115))
        draw.ellipse([x - rx, y - ry, x + rx, y + ry], fill=(30, 28, 26))
        if rng.random() < 0.5:
            draw.ellipse([x - rx // 2, y - ry // 3, x + rx // 2, y + ry // 2], fill=(70, 80, 90))


def _water(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    top = int(horizon + (height - horizon) * rng.uniform(0.15, 0.45))
    murky = (105, 95, 70) if rng.random() < 0.5 else (80, 95, 100)
    darker = (max(0, murky[0] - 30), max(0, murky[1] - 30), max(0, murky[2] - 30))
    _gradient(draw, 0, top, width, height, murky, darker)
    for _ in range(rng.randint(10, 22)):
        y = rng.randint(min(top + 3, height - 1), height - 1)
        x = rng.randint(0, width)
        length = rng.randint(10, 40)
        draw.line([(x, y), (x + length, y)], fill=(170, 170, 160), width=1)


def _rubbish(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    cx = rng.choice((int(width * 0.18), int(width * 0.82)))
    base = int(horizon + (height - horizon) * rng.uniform(0.55, 0.8))
    for _ in range(rng.randint(6, 14)):
        x = cx + rng.randint(-width // 8, width // 8)
        y = base + rng.randint(-height // 14, height // 14)
        r = rng.randint(width // 40, width // 18)
        color = rng.choice(((25, 25, 25), (40, 40, 45), (200, 200, 200), (60, 110, 60), (170, 60, 50)))
        draw.ellipse([x - r, y - int(r * 0.8), x + r, y + int(r * 0.8)], fill=color)
        draw.line([(x, y - int(r * 0.8)), (x + 2, y - r - 3)], fill=color, width=2)


def _cars(draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool) -> None:
    spots = [_road_point(rng, width, height, horizon, vanish_x, near=0.3) for _ in range(rng.randint(2, 4))]
    # Far to near, so nearer cars overlap the ones behind them.
    for x, y, t in sorted(spots, key=lambda spot: spot[1]):
        w = int(width * 0.28 * t)
        h = int(w * 0.45)
        body = rng.choice(((200, 30, 30), (230, 230, 230), (30, 30, 35), (40, 80, 160), (150, 150, 155)))
        draw.rectangle([x - w // 2, y - h, x + w // 2, y - h // 4], fill=body)
        draw.rectangle([x - w // 3, y - h - h // 2, x + w // 3, y - h], fill=body)
        draw.rectangle([x - w // 4, y - h - h // 3, x + w // 4, y - h - 2], fill=(120, 150, 170))
        r = max(2, w // 9)
        for wx in (x - w // 3, x + w // 3):
            draw.ellipse([wx - r, y - h // 4 - r, wx + r, y - h // 4 + r], fill=(15, 15, 15))


def _stalls(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    for _ in range(rng.randint(2, 4)):
        x = rng.randint(width // 10, width * 9 // 10)
        y = int(horizon + (height - horizon) * rng.uniform(0.35, 0.7))
        w = rng.randint(width // 9, width // 5)
        h = int(w * 0.8)
        tarp = rng.choice(((30, 90, 180), (220, 120, 30), (200, 40, 40), (40, 150, 80)))
        draw.polygon(
            [
                (x - w // 2 - 4, y - h),
                (x + w // 2 + 4, y - h),
                (x + w // 2, y - h + h // 4),
                (x - w // 2, y - h + h // 4),
            ],
            fill=tarp,
        )
        draw.line([(x - w // 2, y - h), (x - w // 2, y)], fill=(60, 50, 40), width=2)
        draw.line([(x + w // 2, y - h), (x + w // 2, y)], fill=(60, 50, 40), width=2)
        draw.rectangle([x - w // 2, y - h // 3, x + w // 2, y], fill=(150, 110, 70))


def _light(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    for _ in range(rng.randint(1, 3)):
        x = rng.randint(width // 10, width * 9 // 10)
        base = int(horizon + (height - horizon) * rng.uniform(0.2, 0.5))
        top = base - int(height * rng.uniform(0.35, 0.5))
        draw.line([(x, base), (x, top)], fill=(110, 110, 115), width=3)
        arm = rng.choice((-1, 1)) * width // 14
        draw.line([(x, top), (x + arm, top + 4)], fill=(110, 110, 115), width=3)
        # An unlit lamp head: the complaint is that it is dark.
        draw.ellipse([x + arm - 6, top, x + arm + 6, top + 8], fill=(45, 45, 50))


def _tree(draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool) -> None:
    fallen = rng.random() < 0.6
    x = rng.randint(width // 6, width * 5 // 6)
    base = int(horizon + (height - horizon) * rng.uniform(0.4, 0.75))
    trunk = (90, 60, 35)
    leaves = _jitter(rng, (50, 110, 45), 20)
    if fallen:
        end_x = x + rng.choice((-1, 1)) * int(width * 0.4)
        draw.line([(x, base), (end_x, base + rng.randint(-8, 8))], fill=trunk, width=max(4, width // 40))
        for _ in range(7):
            cx = end_x + rng.randint(-width // 12, width // 12)
            cy = base + rng.randint(-height // 12, height // 20)
            r = rng.randint(width // 30, width // 14)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_jitter(rng, leaves, 15))
    else:
        top = base - int(height * 0.5)
        lean = rng.randint(-width // 10, width // 10)
        draw.line([(x, base), (x + lean, top)], fill=trunk, width=max(4, width // 40))
        for _ in range(8):
            cx = x + lean + rng.randint(-width // 10, width // 10)
            cy = top + rng.randint(-height // 10, height // 12)
            r = rng.randint(width // 25, width // 12)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_jitter(rng, leaves, 15))


def _generic(
    draw: _Canvas, rng: random.Random, width: int, height: int, horizon: int, vanish_x: int, night: bool
) -> None:
    # A few pedestrians and a roadside object, so unrelated categories still look like a scene.
    for _ in range(rng.randint(1, 4)):
        x, y, t = _road_point(rng, width, height, horizon, vanish_x, near=0.2)
        h = int(height * 0.3 * t) + 6
        shirt = rng.choice(((200, 60, 60), (60, 90, 170), (230, 230, 230), (60, 140, 90), (230, 190, 60)))
        draw.rectangle([x - h // 8, y - h * 3 // 4, x + h // 8, y - h // 3], fill=shirt)
        draw.rectangle([x - h // 10, y - h // 3, x + h // 10, y], fill=(40, 40, 60))
        r = max(2, h // 9)
        draw.ellipse([x - r, y - h * 3 // 4 - 2 * r, x + r, y - h * 3 // 4], fill=(180, 140, 110))
    if rng.random() < 0.6:
        x = rng.randint(0, width - width // 8)
        y = int(horizon + (height - horizon) * 0.5)
        draw.rectangle([x, y - height // 8, x + width // 10, y], fill=_jitter(rng, (160, 150, 130), 30))


_MOTIFS = {
    "pothole": _pothole,
    "water": _water,
    "rubbish": _rubbish,
    "cars": _cars,
    "stalls": _stalls,
    "light": _light,
    "tree": _tree,
    "generic": _generic,
}
