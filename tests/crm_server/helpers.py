"""Talking to the real server in tests: tokens, reports of a test's own, the audit trail, SSE."""

from __future__ import annotations

import base64
import io
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import httpx
from PIL import Image

from tests.support.cli import crm_server
from tests.support.server import PLAIN_HTTP, ServerProcess

API = "/api/v1"
HOME = "JP.GAMBIR.CIDENG"  # the demo dispatcher's and officers' kelurahan
HOME_CITY = "JP"
OTHER_KELURAHAN = "JU.PENJARINGAN.PLUIT"  # outside Jakarta Pusat: outside supervisor.jp too
DBM_JP = "DBM.JP"
TIMEOUT = 30.0
ERROR_KEYS = {"error", "message", "request_id"}

DISPLAY_NAMES = {
    "dispatcher": "Sari Wulandari",
    "officer": "Budi Santoso",
    "officer2": "Rina Marlina",
    "supervisor": "Hendra Gunawan",
    "supervisor.jp": "Dewi Lestari",
    "dispatcher.dbm": "Yusuf Hidayat",
}


def marker(prefix: str = "SENTINEL") -> str:
    """A unique string that no server data contains by chance (short enough for every field)."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 80, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    return out.getvalue()


# EXIF tags (TIFF numbering)
MAKE, MODEL, ORIENTATION, ARTIST, COPYRIGHT, GPS_IFD = 0x010F, 0x0110, 0x0112, 0x013B, 0x8298, 0x8825


def exif_jpeg(mark: str, *, size: tuple[int, int] = (80, 60), orientation: int = 1) -> bytes:
    """A JPEG carrying what identifies a reporter: GPS, device, owner, a comment, XMP and ICC."""
    exif = Image.Exif()
    exif[MAKE] = f"Make{mark}"
    exif[MODEL] = f"Model{mark}"
    exif[ARTIST] = f"Artist{mark}"
    exif[COPYRIGHT] = f"Copyright{mark}"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 49.0, 12.0)}
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((250, 250, 0), (0, 0, size[0] // 2, size[1] // 4))  # a corner that shows rotation
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=f"Comment{mark}".encode(),
        icc_profile=f"ICC{mark}".encode() * 4,
        xmp=f"<x:xmpmeta><dc:creator>XMP{mark}</dc:creator></x:xmpmeta>".encode(),
    )
    data = out.getvalue()
    assert b"Exif" in data and mark.encode() in data  # the input really carries it
    return data


def text_png(mark: str, *, size: tuple[int, int] = (40, 30)) -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks and an eXIf chunk."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", f"Author{mark}")
    info.add_text("Comment", f"Comment{mark}", zip=True)
    info.add_itxt("Description", f"Description{mark}")
    exif = Image.Exif()
    exif[ARTIST] = f"Artist{mark}"
    exif[GPS_IFD] = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 49.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 200, 10, 128)).save(out, "PNG", pnginfo=info, exif=exif)
    data = out.getvalue()
    assert all(chunk in data for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"))
    return data


def png_chunk_types(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def log_through(server: ServerProcess, request_id: str, *, deadline: float = 10.0) -> str:
    """The server log once it holds the access line of `request_id` (written after the response)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        text = server.log()
        if request_id in text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{request_id} never reached the server log")


def assert_error_body(response: httpx.Response, status: int | None = None) -> dict:
    """A 4xx with the declared JSON error body."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:500])
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


class Api:
    """One server seen through httpx: tokens are cached per operator (a login runs a slow KDF)."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=TIMEOUT, verify=PLAIN_HTTP)
        self._tokens: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- auth -------------------------------------------------------------------------------

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.server.login(user)
        return self._tokens[user]

    def auth(self, user: str | None, **extra: str) -> dict[str, str]:
        headers = {k.replace("_", "-"): v for k, v in extra.items()}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return headers

    # --- plain calls ------------------------------------------------------------------------

    def get(self, user: str | None, path: str, *, headers: dict | None = None, **kw) -> httpx.Response:
        return self.http.get(API + path, headers={**self.auth(user), **(headers or {})}, **kw)

    def post(
        self,
        user: str | None,
        path: str,
        body: dict | None = None,
        *,
        if_match: str | None = None,
        key: str | None = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        extra = dict(headers or {})
        if if_match is not None:
            extra["If-Match"] = if_match
        if key is not None:
            extra["Idempotency-Key"] = key
        return self.http.post(API + path, json=body, headers={**self.auth(user), **extra})

    # --- reports ----------------------------------------------------------------------------

    def detail(self, user: str, number: str) -> tuple[dict, str]:
        response = self.get(user, f"/reports/{number}")
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.json(), response.headers["etag"]

    def etag(self, number: str) -> str:
        return self.detail("supervisor", number)[1]

    def assign(self, user: str, number: str, officer: str, *, etag: str | None = None, key: str | None = None):
        return self.post(
            user, f"/reports/{number}/assign", {"officer": officer}, if_match=etag or self.etag(number), key=key
        )

    def close_report(
        self,
        user: str,
        number: str,
        *,
        note: str = "Sudah ditangani.",
        etag: str | None = None,
        key: str | None = None,
        resolution: str = "tidak valid",
    ):
        body = {"resolution": resolution, "note": note}
        return self.post(user, f"/reports/{number}/close", body, if_match=etag or self.etag(number), key=key)

    def route(self, user: str, action: str, number: str, agency: str, *, note: str = "Bukan tupoksi kami.", **kw):
        """`action`: coordinate or dispose."""
        body = {"agency": agency, "note": note}
        return self.post(
            user, f"/reports/{number}/{action}", body, if_match=kw.pop("etag", None) or self.etag(number), **kw
        )

    def follow_up(
        self,
        user: str,
        number: str,
        photos: list[bytes] | None = None,
        *,
        response: str = "Sudah diperbaiki.",
        note: str | None = None,
        etag: str | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        """The officer's follow-up, multipart, with `photos` (one small JPEG unless given)."""
        headers = self.auth(user, If_Match=etag or self.etag(number))
        if key is not None:
            headers["Idempotency-Key"] = key
        fields = {"response": response, **({"note": note} if note is not None else {})}
        files = [("photos", (f"p{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos or [jpeg_bytes()])]
        return self.http.post(f"{API}/reports/{number}/follow-up", data=fields, files=files, headers=headers)

    def validate(self, user: str, number: str, decision: str, reason: str | None = None, **kw):
        body = {"decision": decision, **({"reason": reason} if reason is not None else {})}
        return self.post(
            user, f"/reports/{number}/validate", body, if_match=kw.pop("etag", None) or self.etag(number), **kw
        )

    def note(self, user: str, number: str, text: str = "Dicek ke lokasi.", *, key: str | None = None):
        return self.post(user, f"/reports/{number}/notes", {"text": text}, key=key)

    def reports(self, user: str, **params) -> dict:
        response = self.get(user, "/reports", params=params)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.json()

    # --- reference --------------------------------------------------------------------------

    @cached_property
    def categories(self) -> list[dict]:
        response = self.get("supervisor", "/categories")
        assert response.status_code == 200
        return response.json()

    @cached_property
    def kelurahan_category(self) -> str:
        """A category the kelurahan handles itself: its reports land at the kelurahan."""
        return next(c["code"] for c in self.categories if c["dinas_code"] is None)

    @cached_property
    def dbm_category(self) -> str:
        """A Bina Marga category: in Jakarta Pusat its reports land at DBM.JP."""
        return next(c["code"] for c in self.categories if c["dinas_code"] == "DBM")

    # --- intake -----------------------------------------------------------------------------

    @cached_property
    def intake_key(self) -> str:
        return self.server.intake_key()

    def intake(self, body: dict, *, key: str | None = None, idempotency_key: str | None = None, **kw) -> httpx.Response:
        headers = {"X-Intake-Key": key if key is not None else self.intake_key}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return self.http.post(f"{API}/intake/reports", json=body, headers=headers, **kw)

    def intake_body(
        self,
        *,
        category: str | None = None,
        kelurahan: str = HOME,
        private: bool = False,
        title: str | None = None,
        description: str = "Mohon segera ditindaklanjuti.",
        photo: bytes | None = None,
        reporter: dict | None = None,
        channel: str = "JAKI",
    ) -> dict:
        body = {
            "channel": channel,
            "category": category or self.kelurahan_category,
            "title": title or f"Laporan uji {marker('T')}",
            "description": description,
            "location": {"address": "Jl. Cideng Barat No. 12", "kelurahan": kelurahan},
            "private": private,
        }
        if photo is not None:
            body["photo"] = b64(photo)
        if reporter is not None:
            body["reporter"] = reporter
        return body

    def submit(self, **kw) -> str:
        """A new report of the test's own (Menunggu, unassigned); returns its number."""
        response = self.intake(self.intake_body(**kw))
        assert response.status_code == 201, (response.status_code, response.text[:300])
        return response.json()["number"]

    # --- the audit trail --------------------------------------------------------------------

    def audit(self, *, operator: str | None = None, report: str | None = None) -> str:
        args = ["audit", "--db", self.server.db]
        if operator:
            args += ["--operator", operator]
        if report:
            args += ["--report", report]
        return crm_server(*args).stdout


def audit_lines(text: str, *, action: str, number: str | None = None) -> list[str]:
    """Rows of `crm-server audit` output with this action (and report number)."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        # date time operator action number outcome
        if len(parts) >= 6 and parts[3] == action and (number is None or parts[4] == number):
            rows.append(line)
    return rows


# --- Server-Sent Events ---------------------------------------------------------------------


@dataclass
class Frame:
    kind: str  # "event", "comment", "retry" or "position" (an `id:` alone: where the stream starts)
    event: str | None = None
    id: int | None = None
    data: str = ""
    raw: list[str] = field(default_factory=list)

    @property
    def json(self) -> dict:
        return json.loads(self.data)


def sse_frames(response: httpx.Response) -> Iterator[Frame]:
    """Frames of an open text/event-stream response, as they arrive."""
    lines: list[str] = []
    for line in response.iter_lines():
        if line:
            lines.append(line)
            continue
        if not lines:
            continue
        frame = Frame(kind="event", raw=lines)
        data = []
        for item in lines:
            name, _, value = item.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                frame.kind = "comment"
                frame.data = value
            elif name == "retry":
                frame.kind = "retry"
                frame.data = value
            elif name == "id":
                frame.id = int(value)
            elif name == "event":
                frame.event = value
            elif name == "data":
                data.append(value)
        if frame.kind == "event":
            frame.data = "\n".join(data)
            if not data and frame.event is None and frame.id is not None:
                frame.kind = "position"
        lines = []
        yield frame


class EventStream:
    """GET /events as one operator, read frame by frame with an overall deadline."""

    def __init__(self, api: Api, user: str, *, last_event_id: str | None = None, read_timeout: float = 5.0):
        headers = api.auth(user, accept="text/event-stream")
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self._client = httpx.Client(
            base_url=api.server.base_url, timeout=httpx.Timeout(10.0, read=read_timeout), verify=PLAIN_HTTP
        )
        self._context = self._client.stream("GET", f"{API}/events", headers=headers)
        self.response = self._context.__enter__()
        self.raw = b""
        self.seen: list[Frame] = []
        self._frames = sse_frames(self.response) if self.response.status_code == 200 else iter(())

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._context.__exit__(None, None, None)
        self._client.close()

    def next(self) -> Frame:
        frame = next(self._frames)
        self.seen.append(frame)
        self.raw += ("\n".join(frame.raw) + "\n\n").encode()
        return frame

    def until(self, predicate, *, deadline: float = 15.0) -> Frame:
        """Reads frames until one satisfies `predicate`; fails after `deadline` seconds."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            frame = self.next()
            if predicate(frame):
                return frame
        raise AssertionError(f"no matching frame within {deadline} s; saw {[f.raw for f in self.seen][-10:]}")

    def started(self) -> Frame:
        """The `retry:` frame: from here on the server streams events after its starting point."""
        return self.until(lambda f: f.kind == "retry")

    def caught_up(self) -> list[Frame]:
        """Every event frame up to the next heartbeat (sent only after an idle second)."""
        start = len(self.seen)
        self.until(lambda f: f.kind == "comment" and f.data == "heartbeat")
        return [f for f in self.seen[start:] if f.kind == "event"]

    def events(self) -> list[Frame]:
        return [f for f in self.seen if f.kind == "event"]


def scene(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A picture of its own: random shapes on a random background, unlike any other seed's."""
    import random

    from PIL import ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x0, y0, x0 + rng.randrange(20, size[0] // 2), y0 + rng.randrange(20, size[1] // 2))
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=fill)
    return image


def encoded(image: Image.Image, fmt: str = "JPEG", **save) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()
