"""The Jakarta reference data and the demo text/photo generators."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from crm_server.demo.photos import synthetic_photo
from crm_server.demo.texts import STREETS, report_text, street_address
from crm_server.reference.jakarta import CATEGORIES, CHANNELS, CITIES, DINAS


def test_six_cities_with_all_kecamatan_and_kelurahan():
    assert len(CITIES) == 6
    assert [c.code for c in CITIES] == ["JP", "JU", "JB", "JS", "JT", "KS"]
    assert sum(len(c.kecamatan) for c in CITIES) == 44
    assert sum(len(k.kelurahan) for c in CITIES for k in c.kecamatan) == 267


def test_kepulauan_seribu_has_two_kecamatan_and_six_kelurahan():
    seribu = next(c for c in CITIES if c.code == "KS")
    assert len(seribu.kecamatan) == 2
    assert sum(len(k.kelurahan) for k in seribu.kecamatan) == 6


def test_kelurahan_unique_within_kecamatan_and_ascii():
    for city in CITIES:
        assert len({k.name for k in city.kecamatan}) == len(city.kecamatan)
        for kec in city.kecamatan:
            assert len(set(kec.kelurahan)) == len(kec.kelurahan), kec.name
            assert all(name.isascii() and name.strip() == name for name in kec.kelurahan)


def test_categories_have_unique_codes_and_known_dinas():
    codes = [c.code for c in CATEGORIES]
    assert len(codes) >= 60
    assert len(set(codes)) == len(codes)
    dinas_codes = {d.code for d in DINAS}
    assert len(dinas_codes) == len(DINAS)
    for category in CATEGORIES:
        assert category.dinas is None or category.dinas in dinas_codes, category.code
        assert category.weight > 0


def test_thirteen_channels_jaki_first():
    assert len(CHANNELS) == 13
    assert len(set(CHANNELS)) == 13
    assert CHANNELS[0] == "JAKI"


def _texts(seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    kelurahan = [k for c in CITIES for kec in c.kecamatan for k in kec.kelurahan]
    return [report_text(rng, rng.choice(CATEGORIES), rng.choice(kelurahan), rng.choice(STREETS)) for _ in range(2000)]


def test_report_text_deterministic_and_well_formed():
    first = _texts(42)
    assert first == _texts(42)
    assert first != _texts(43)
    for title, description in first:
        assert title and description
        assert len(title) <= 80
        assert "{" not in title + description


def test_report_text_covers_every_category():
    rng = random.Random(7)
    for category in CATEGORIES:
        title, description = report_text(rng, category, "Cipinang Besar Selatan", "Jl. Otto Iskandardinata")
        assert title and description and len(title) <= 80


def test_streets_and_address():
    assert len(STREETS) >= 80
    assert len(set(STREETS)) == len(STREETS)
    address = street_address(random.Random(1), "Jl. Kramat Raya")
    assert address.startswith("Jl. Kramat Raya No. ")
    assert "RT " in address and "/RW " in address


def test_synthetic_photo_is_plain_deterministic_jpeg():
    data = synthetic_photo(123, "jalan-rusak")
    assert isinstance(data, bytes)
    assert data == synthetic_photo(123, "jalan-rusak")
    assert data != synthetic_photo(124, "jalan-rusak")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (320, 240)
    assert "exif" not in image.info
    assert len(image.getexif()) == 0
    assert b"Exif\x00\x00" not in data


def test_synthetic_photo_every_category_and_custom_size():
    for i, category in enumerate(CATEGORIES):
        image = Image.open(io.BytesIO(synthetic_photo(i, category.code, 160, 120)))
        assert image.format == "JPEG"
        assert image.size == (160, 120)


def test_synthetic_photo_rejects_tiny_sizes():
    with pytest.raises(ValueError):
        synthetic_photo(1, "banjir", 16, 16)
