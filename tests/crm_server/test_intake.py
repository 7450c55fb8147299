"""The citizen channel: photos lose their metadata, other image types and oversized bodies are
refused, text is sanitised, reports are numbered, routed and due in seven days."""

from __future__ import annotations

import io
import itertools
import os
import re
import socket
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.crm_server.helpers import (
    HOME,
    Api,
    assert_error_body,
    b64,
    exif_jpeg,
    jpeg_bytes,
    marker,
    png_chunk_types,
    text_png,
)
from tests.support.cli import crm_server

INTAKE_FAILURES = 30  # crm_server.services.intake_keys.INTAKE_FAILURES_PER_ADDRESS
METADATA_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"tIME"}


def served_photo(api: Api, number: str) -> bytes:
    detail, _ = api.detail("dispatcher", number)
    assert detail["photo_info"]["state"] == "available"
    response = api.http.get(detail["photo_info"]["url"], headers=api.auth("dispatcher"))
    assert response.status_code == 200
    assert response.headers["content-type"] == detail["photo_info"]["content_type"]
    return response.content


# --- metadata is stripped -------------------------------------------------------------------


def test_jpeg_exif_gps_device_owner_xmp_icc_and_comment_are_stripped(api: Api):
    mark = marker("EXIF")
    number = api.submit(photo=exif_jpeg(mark))
    served = served_photo(api, number)
    image = Image.open(io.BytesIO(served))
    assert image.format == "JPEG"
    assert image.size == (80, 60)
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "icc_profile", "comment", "xmp", "photoshop"} & set(image.info)
    for needle in (b"Exif", b"GPS", b"http://ns.adobe.com", b"ICC_PROFILE", mark.encode(), b"Make", b"Artist"):
        assert needle not in served, needle
    image.load()  # the pixels survive


def test_exif_orientation_is_applied_before_it_is_dropped(api: Api):
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise.
    number = api.submit(photo=exif_jpeg(marker("ROT"), size=(80, 60), orientation=6))
    image = Image.open(io.BytesIO(served_photo(api, number)))
    assert image.size == (60, 80)
    assert len(image.getexif()) == 0
    # The yellow corner that was top-left is now top-right.
    r, g, b = image.convert("RGB").getpixel((image.width - 3, 3))
    assert r > 180 and g > 180 and b < 90


def test_png_text_and_exif_chunks_are_stripped(api: Api):
    mark = marker("PNG")
    number = api.submit(photo=text_png(mark))
    served = served_photo(api, number)
    chunks = png_chunk_types(served)
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    assert not METADATA_CHUNKS & set(chunks), chunks
    assert mark.encode() not in served
    image = Image.open(io.BytesIO(served))
    assert image.format == "PNG" and image.size == (40, 30)
    assert len(image.getexif()) == 0
    assert not getattr(image, "text", {})
    assert image.mode == "RGBA"  # transparency kept


def test_large_photo_is_scaled_down(api: Api):
    number = api.submit(photo=jpeg_bytes((3000, 1500)))
    detail, _ = api.detail("dispatcher", number)
    assert (detail["photo_info"]["width"], detail["photo_info"]["height"]) == (2048, 1024)
    assert Image.open(io.BytesIO(served_photo(api, number))).size == (2048, 1024)


# --- refused photos -------------------------------------------------------------------------


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP", "TIFF"])
def test_other_image_types_are_415(api: Api, fmt):
    response = api.intake(api.intake_body(photo=_image(fmt)))
    assert assert_error_body(response, 415)["error"] == "unsupported_media_type"


def test_photo_over_5_mb_is_413(api: Api):
    raw = b"\xff\xd8\xff\xe0" + os.urandom(5 * 1024 * 1024 + 100)
    response = api.intake(api.intake_body(photo=raw))
    assert assert_error_body(response, 413)["error"] == "payload_too_large"


def test_intake_body_over_the_limit_is_413(api: Api):
    body = api.intake_body(description="x" * (9 * 1024 * 1024))
    response = api.intake(body)
    assert assert_error_body(response, 413)["error"] == "payload_too_large"


def test_operator_body_over_the_limit_is_413(api: Api):
    number = api.submit()
    response = api.note("dispatcher", number, "y" * (300 * 1024))
    assert_error_body(response, 413)
    assert api.detail("dispatcher", number)[0]["notes"] == []


def test_streamed_body_without_length_over_the_limit_is_413(api: Api):
    def chunks():
        for _ in range(40):
            yield b"z" * (256 * 1024)

    response = api.http.post(
        "/api/v1/intake/reports",
        content=chunks(),
        headers={"X-Intake-Key": api.intake_key, "Content-Type": "application/json"},
    )
    assert_error_body(response, 413)


@pytest.mark.parametrize(
    ("photo", "status"),
    [
        ("not base64 at all!", 422),
        ("////", 415),  # valid base64 of bytes that are no image
        (b64(b"\xff\xd8\xff\xe0" + b"\x00" * 200), 422),  # a JPEG header and nothing else
        (b64(jpeg_bytes()[:150]), 422),  # a truncated JPEG
        (b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), 422),
    ],
    ids=["garbage", "not-an-image", "jpeg-header-only", "truncated-jpeg", "png-header-only"],
)
def test_unreadable_photo_is_refused(api: Api, photo, status):
    body = api.intake_body()
    body["photo"] = photo
    assert_error_body(api.intake(body), status)


def test_decompression_bomb_is_refused(api: Api):
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")  # 64 M pixels in a few kB
    response = api.intake(api.intake_body(photo=out.getvalue()))
    assert_error_body(response, 422)


def test_corrupt_exif_block_does_not_break_intake(api: Api):
    good = jpeg_bytes()
    app1 = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\xff" * 40
    segment = b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1
    response = api.intake(api.intake_body(photo=good[:2] + segment + good[2:]))
    assert response.status_code == 201, response.text
    assert b"Exif" not in served_photo(api, response.json()["number"])


# --- authentication, validation, routing ----------------------------------------------------


def test_intake_key_is_required(api: Api):
    body = api.intake_body()
    for key in ("", "wrong-key"):
        assert_error_body(api.intake(body, key=key), 401)
    response = api.http.post("/api/v1/intake/reports", json=body)
    assert_error_body(response, 401)


def test_operator_token_is_not_an_intake_key(api: Api):
    response = api.http.post("/api/v1/intake/reports", json=api.intake_body(), headers=api.auth("supervisor"))
    assert_error_body(response, 401)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel", "Telegram"),
        ("category", "no-such-category"),
        ("kelurahan", "JP.GAMBIR"),
        ("kelurahan", "DBM.JP"),
        ("title", "\u200b\u202e\x1b"),
        ("title", ""),
    ],
)
def test_unknown_references_and_empty_title_are_422(api: Api, field, value):
    body = api.intake_body()
    if field == "kelurahan":
        body["location"]["kelurahan"] = value
    else:
        body[field] = value
    assert_error_body(api.intake(body), 422)


def test_report_number_date_due_and_first_history(api: Api):
    before = datetime.now(UTC)
    number = api.submit()
    after = datetime.now(UTC)
    assert re.fullmatch(r"JK\d{10}", number)
    wib = timezone(timedelta(hours=7))  # the Jakarta date, whatever the server's zone
    assert number[2:8] in {before.astimezone(wib).strftime("%y%m%d"), after.astimezone(wib).strftime("%y%m%d")}
    detail, etag = api.detail("dispatcher", number)
    assert etag == '"1"' and detail["version"] == 1
    assert detail["status"] == "Menunggu" and detail["assignee"] is None
    created = datetime.fromisoformat(detail["created_at"])
    assert datetime.fromisoformat(detail["due_at"]) - created == timedelta(days=7)
    assert [(h["action"], h["actor"], h["to_status"]) for h in detail["history"]] == [("created", None, "Menunggu")]
    assert detail["channel"] == "JAKI"
    assert detail["location"]["kelurahan_code"] == HOME
    assert (detail["location"]["kelurahan"], detail["location"]["kecamatan"]) == ("Cideng", "Gambir")


def test_numbers_follow_a_daily_sequence(api: Api):
    numbers = [api.submit() for _ in range(3)]
    same_day = [n for n in numbers if n[:8] == numbers[0][:8]]
    sequence = [int(n[8:]) for n in same_day]
    assert sequence == sorted(sequence) and len(set(sequence)) == len(sequence)
    assert all(b - a == 1 for a, b in itertools.pairwise(sequence))


def test_category_routes_to_its_suku_dinas(api: Api):
    number = api.submit(category=api.dbm_category)
    assert api.detail("supervisor", number)[0]["agency"]["code"] == "DBM.JP"


def test_text_is_sanitised_at_intake(api: Api):
    word = marker("CLEAN")
    title = f"Jalan\x1b]0;owned\x07 rusak\u202e {word}\u200b\x00"
    description = "Baris satu\r\nBaris\x1b[2J dua\x9b\u2066\tend"
    number = api.submit(title=title, description=description)
    detail, _ = api.detail("dispatcher", number)
    for text in (detail["title"], detail["description"]):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", text), text
    assert detail["title"].endswith(word)
    assert "\n" in detail["description"] and "\r" not in detail["description"]


def test_markup_is_stored_literally(api: Api):
    title = "[@click=app.quit]klik[/] [bold]tebal[/bold] [/ :smile:"
    number = api.submit(title=title)
    assert api.detail("dispatcher", number)[0]["title"] == title


def test_huge_description_is_bounded(api: Api):
    number = api.submit(description=("Ini sangat panjang. " * 50_000))  # 1 MB
    description = api.detail("dispatcher", number)[0]["description"]
    assert 0 < len(description) <= 20_000


def test_location_coordinates_are_bounded(api: Api):
    body = api.intake_body()
    body["location"]["lat"] = 91
    assert_error_body(api.intake(body), 422)
    body["location"].update(lat=-6.17, lon=106.81)
    response = api.intake(body)
    assert response.status_code == 201
    location = api.detail("dispatcher", response.json()["number"])[0]["location"]
    assert (location["lat"], location["lon"]) == (-6.17, 106.81)


# --- property: no mangled photo makes the server fail ---------------------------------------

_JPEG = exif_jpeg("SEED-MUTATION")
_PNG = text_png("SEED-MUTATION")


@st.composite
def mangled_photos(draw) -> bytes:
    data = bytearray(draw(st.sampled_from([_JPEG, _PNG])))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(3, min(len(data) - 1, 700)))  # headers, EXIF, chunks: where parsers trip
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(8, len(data)))]
    return bytes(data)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(photo=mangled_photos())
def test_mangled_photos_are_accepted_clean_or_refused(api: Api, photo):
    response = api.intake(api.intake_body(photo=photo))
    assert response.status_code in (201, 415, 422), (response.status_code, response.text)
    if response.status_code == 201:
        served = served_photo(api, response.json()["number"])
        assert b"SEED-MUTATION" not in served and b"Exif" not in served
    else:
        assert_error_body(response)


# --- the key comes first: before the body is read, alike when missing or wrong, throttled ----


def _client_at(api: Api, address: str) -> httpx.Client:
    """A client on another loopback address (another machine): its failures are its own."""
    return httpx.Client(base_url=api.server.base_url, transport=httpx.HTTPTransport(local_address=address), timeout=10)


def test_the_key_is_checked_before_the_body_is_read(api: Api):
    """A 7 MB body announced and never sent: the refusal comes at once, not after the body."""
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=5, source_address=("127.0.0.20", 0)) as s:
        s.sendall(
            b"POST /api/v1/intake/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'X-Intake-Key: not-a-key\r\nContent-Length: 7340032\r\n\r\n{"title": '
        )
        head = s.recv(4096)
    assert head.startswith(b"HTTP/1.1 401 "), head[:200]


def test_a_missing_key_and_a_wrong_key_answer_alike_whatever_the_body(api: Api):
    answers = []
    with _client_at(api, "127.0.0.22") as client:
        for headers in ({}, {"X-Intake-Key": "wrong-key"}, {"X-Intake-Key": ""}):
            for body in (api.intake_body(), {"no": "such field"}):
                response = client.post("/api/v1/intake/reports", json=body, headers=headers)
                error = assert_error_body(response, 401)
                answers.append((error["error"], error["message"], "fields" in error))
    assert len(set(answers)) == 1, answers  # no 422 listing the fields a report needs


def test_key_failures_are_audited_and_throttled_per_address(api: Api):
    address = "127.0.0.21"
    with _client_at(api, address) as client:
        codes = [
            client.post("/api/v1/intake/reports", json={}, headers={"X-Intake-Key": "wrong"}).status_code
            for _ in range(INTAKE_FAILURES + 1)
        ]
        # Throttled, the address waits even with the right key; other addresses do not.
        refused = client.post(
            "/api/v1/intake/reports", json=api.intake_body(), headers={"X-Intake-Key": api.intake_key}
        )
    assert codes == [401] * INTAKE_FAILURES + [429]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert api.submit()
    rows = [line.split() for line in crm_server("audit", "--db", api.server.db, "--limit", "200").stdout.splitlines()]
    mine = [row[3:] for row in rows if row[5] == address]
    assert (
        mine
        == [["intake_denied", "-", address, "bad_key"]] * INTAKE_FAILURES
        + [["intake_denied", "-", address, "rate_limited"]] * 2
    )


# --- Idempotency-Key: a channel that retries after a lost answer stores one report -------------


def _numbers_titled(api: Api, title: str) -> list[str]:
    return [r["number"] for r in api.reports("supervisor", q=title, limit=10)["items"]]


def test_a_retry_with_the_idempotency_key_answers_the_first_number_and_stores_one_report(api: Api):
    body = api.intake_body(photo=jpeg_bytes(), reporter={"name": marker("NAME")})
    key = marker("RETRY")
    answers = [api.intake(body, idempotency_key=key) for _ in range(3)]
    assert [a.status_code for a in answers] == [201] * 3
    assert answers[1].content == answers[2].content == answers[0].content
    assert _numbers_titled(api, body["title"]) == [answers[0].json()["number"]]
    # Without a key, the same body is another report (a channel that sends none keeps today's answer).
    again = api.intake(body)
    assert again.status_code == 201 and again.json()["number"] != answers[0].json()["number"]


def test_the_idempotency_key_is_the_intake_keys_own(api: Api):
    body, key = api.intake_body(), marker("SCOPE")
    first = api.intake(body, idempotency_key=key)
    other_channel = api.intake(body, key=api.server.intake_key(), idempotency_key=key)
    assert first.status_code == other_channel.status_code == 201
    assert first.json()["number"] != other_channel.json()["number"]
    assert sorted(_numbers_titled(api, body["title"])) == sorted(
        [first.json()["number"], other_channel.json()["number"]]
    )


def test_the_same_idempotency_key_with_another_body_is_refused(api: Api):
    body, key = api.intake_body(), marker("REUSE")
    first = api.intake(body, idempotency_key=key)
    assert first.status_code == 201
    changed = {**body, "description": "Sudah tiga hari."}
    assert_error_body(api.intake(changed, idempotency_key=key), 422)
    assert _numbers_titled(api, body["title"]) == [first.json()["number"]]
    assert_error_body(api.intake(body, idempotency_key="spasi di kunci"), 422)  # not a key a header carries
