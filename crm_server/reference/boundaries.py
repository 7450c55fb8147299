"""Kelurahan boundaries, from a GeoJSON file the city supplies: which kelurahan a point lies in.

The reference data names Jakarta's 267 kelurahan but holds no geometry; a city that has its
boundaries (Jakarta publishes them as GeoJSON) points the server at the file, and submissions
that carry only coordinates are routed by them. Each feature is a Polygon or MultiPolygon whose
`kelurahan` property is a kelurahan's code or its name. Coordinates are GeoJSON's (longitude,
latitude); rings after a polygon's first are holes.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Ring = tuple[tuple[float, float], ...]


class BoundaryFileError(ValueError):
    """The file is not a FeatureCollection of kelurahan polygons this server knows."""


@dataclass(frozen=True)
class _Area:
    code: str
    polygons: tuple[tuple[Ring, ...], ...]  # each: the outer ring, then its holes
    box: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

    def holds(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.box
        if not (west <= lon <= east and south <= lat <= north):
            return False
        return any(
            _inside(outer, lon, lat) and not any(_inside(hole, lon, lat) for hole in holes)
            for outer, *holes in self.polygons
        )


class Boundaries:
    def __init__(self, areas: Iterable[_Area]) -> None:
        self._areas = tuple(areas)

    def __len__(self) -> int:
        return len(self._areas)

    def kelurahan_at(self, lat: float, lon: float) -> str | None:
        """The code of the kelurahan the point lies in; None outside every one."""
        return next((area.code for area in self._areas if area.holds(lon, lat)), None)


def load(path: Path, code_for: Callable[[str], str | None]) -> Boundaries:
    """Read the file; `code_for` turns a feature's `kelurahan` property (code or name) into a
    kelurahan code, or None when the server knows no such kelurahan (the file is refused)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        features = document["features"] if document.get("type") == "FeatureCollection" else None
    except (OSError, ValueError, AttributeError, KeyError) as exc:
        raise BoundaryFileError(f"{path}: not a readable GeoJSON FeatureCollection") from exc
    if not isinstance(features, list):
        raise BoundaryFileError(f"{path}: not a GeoJSON FeatureCollection")
    return Boundaries(_area(feature, index, code_for) for index, feature in enumerate(features))


def _area(feature: object, index: int, code_for: Callable[[str], str | None]) -> _Area:
    shape = f"feature {index}: a Polygon or MultiPolygon with a 'kelurahan' property"
    try:
        if not isinstance(feature, dict):
            raise BoundaryFileError(shape)
        named, geometry = feature["properties"]["kelurahan"], feature["geometry"]
        kind, coordinates = geometry["type"], geometry["coordinates"]
        polygons = {"Polygon": [coordinates], "MultiPolygon": coordinates}.get(kind)
        if not isinstance(named, str) or not polygons:
            raise BoundaryFileError(shape)
        shapes = tuple(tuple(_ring(ring) for ring in polygon) for polygon in polygons)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise BoundaryFileError(shape) from exc
    code = code_for(named)
    if code is None:
        raise BoundaryFileError(f"feature {index}: no kelurahan is called {named!r}")
    points = [point for shape in shapes for point in shape[0]]
    box = (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )
    return _Area(code, shapes, box)


def _ring(positions: Sequence[Sequence[float]]) -> Ring:
    ring = tuple((float(position[0]), float(position[1])) for position in positions)
    if len(ring) < 4:  # GeoJSON closes a ring on its first position: a triangle has four
        raise ValueError("a ring has at least four positions")
    return ring


def _inside(ring: Ring, x: float, y: float) -> bool:
    """Even-odd rule: a ray from the point crosses the ring's edges an odd number of times."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside
