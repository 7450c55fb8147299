"""The perceptual hash behind the duplicate-evidence flag: copies of a photo (identical,
re-encoded, resized, slightly cropped) come within the flag's distance; unrelated photos do not."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from crm_server.perceptual_hash import distance, phash, to_signed, to_unsigned
from crm_server.services.evidence import SIMILAR_WITHIN, bands
from tests.crm_server.helpers import encoded, scene

SEEDS = range(12)


def _copies(image: Image.Image) -> dict[str, Image.Image]:
    w, h = image.size

    def reopened(data: bytes) -> Image.Image:
        return Image.open(io.BytesIO(data))

    return {
        "identical": image.copy(),
        "re-encoded": reopened(encoded(image, quality=40)),
        "png": reopened(encoded(image, "PNG")),
        "half size": image.resize((w // 2, h // 2)),
        "double size": image.resize((w * 2, h * 2)),
        "cropped 2% all round": image.crop((w // 50, h // 50, w - w // 50, h - h // 50)),
        "cropped 3% off one side": image.crop((w * 3 // 100, 0, w, h)),
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_copies_of_a_photo_are_within_the_flag(seed):
    original = scene(seed)
    value = phash(original)
    for name, copy in _copies(original).items():
        assert distance(value, phash(copy)) <= SIMILAR_WITHIN, name


def test_unrelated_photos_are_beyond_it():
    values = [phash(scene(1000 + seed)) for seed in range(40)]
    nearest = min(distance(a, b) for a, b in itertools.combinations(values, 2))
    assert nearest > SIMILAR_WITHIN


def test_the_hash_round_trips_through_a_signed_column_and_its_bands():
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 1, phash(scene(3))):
        assert to_unsigned(to_signed(value)) == value and -(2**63) <= to_signed(value) < 2**63
        assert sum(band << (16 * (3 - i)) for i, band in enumerate(bands(value))) == value


def test_within_the_flag_some_band_is_within_two_bits():
    """The lookup reads the band values within 2 bits of the new photo's: that finds every
    stored photo within the flag's distance (pigeonhole over four bands)."""
    assert SIMILAR_WITHIN < 12
    value = phash(scene(5))
    for flips in itertools.combinations(range(64), 3):
        other = value ^ sum(1 << bit for bit in flips)
        near = [distance(a, b) <= 2 for a, b in zip(bands(value), bands(other), strict=True)]
        assert any(near)
