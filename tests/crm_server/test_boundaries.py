"""Kelurahan boundaries from a city's GeoJSON: which kelurahan a point lies in, and files refused
with a message that names the feature (the server will not start on a file it cannot use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_server.reference.boundaries import BoundaryFileError, load

SQUARES = Path(__file__).parent / "data" / "kelurahan-squares.geojson"
KNOWN = {"JP.GAMBIR.CIDENG": "Cideng", "JP.GAMBIR.PETOJO-UTARA": "Petojo Utara"}


def _code_for(code_or_name: str) -> str | None:
    return next((code for code, name in KNOWN.items() if code_or_name in (code, name)), None)


def test_points_inside_outside_and_in_holes():
    boundaries = load(SQUARES, _code_for)
    assert len(boundaries) == 2
    assert boundaries.kelurahan_at(-6.1702, 106.8105) == "JP.GAMBIR.CIDENG"
    assert boundaries.kelurahan_at(-6.1700, 106.8250) == "JP.GAMBIR.PETOJO-UTARA"
    assert boundaries.kelurahan_at(-6.1735, 106.8165) == "JP.GAMBIR.PETOJO-UTARA"  # Cideng's hole, Petojo's square
    assert boundaries.kelurahan_at(-6.1740, 106.8175) is None  # the hole, outside both
    assert boundaries.kelurahan_at(-6.3000, 106.9000) is None


def _feature(kelurahan: object, geometry: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"kelurahan": kelurahan}, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ("not json", "not a readable GeoJSON"),
        ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
        (
            {"type": "FeatureCollection", "features": [_feature("Atlantis", SQUARE)]},
            "no kelurahan is called 'Atlantis'",
        ),
        (
            {"type": "FeatureCollection", "features": [_feature("Cideng", {"type": "Point", "coordinates": [0, 0]})]},
            "feature 0",
        ),
        ({"type": "FeatureCollection", "features": [_feature(7, SQUARE)]}, "feature 0"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    _feature("Cideng", SQUARE),
                    _feature("Cideng", {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}),
                ],
            },
            "feature 1",
        ),
        ({"type": "FeatureCollection", "features": ["Cideng"]}, "feature 0"),
    ],
)
def test_a_file_it_cannot_use_is_refused_naming_what(tmp_path, document, named):
    path = tmp_path / "boundaries.geojson"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    with pytest.raises(BoundaryFileError, match=named):
        load(path, _code_for)
