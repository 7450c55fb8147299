"""Hostile report text, a server full of it, and the checks every hostile test makes.

Each spec is submitted twice through the intake API: once left as the server's sanitiser stored
it ("intake"), once overwritten in the database with the raw bytes ("raw"), as a backend that
does not sanitise would serve them. The console must sanitise those itself. Officer and
dispatcher names, a category name, the kelurahan's name, notes and a history line are planted
raw too.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.cells import cell_len

from crm_text.sanitize import clean_line, clean_text
from tests.support.cli import crm_server
from tests.support.server import DEMO_PASSWORD_SUFFIX, ServerProcess
from tests.support.tmux import Tmux
from widgets.safe_text import WIDTH_DISPUTED

# --- the corpus ----------------------------------------------------------------------------------

# Markup of every kind: a live link would run app.quit; stray closing tags crash a markup parser.
MARKUP = "[@click=app.quit]x[/] [/] [/bold] [b]unclosed [ :smile: [link=https://evil.example]l[/link]"
CLICK = "[@click=app.quit]x[/]"
# Every escape family, each next to a word of its own so that what remains can be recognised.
ESCAPES = (
    "\x1b[2JCLEARED \x1b]0;pwned-title\x07 \x1b]2;pwned-title2\x1b\\ \x1b]52;c;ZXZpbA==\x07 "
    "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07 \x1bPpwned-dcs\x1b\\ \x9b31mC1RED "
    "\x9d0;pwned-c1\x9c \x00NUL\x7fDEL\x07BEL"
)
BIDI = "\u202etxt.exe\u202c \u2066iso\u2069 \u200fRTL\u200e \u061cA"
ZERO_WIDTH = "zero\u200bwidth\u200c\u200d\u2060\ufeffword"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u034f\u3164\u115f\u00ad"  # nothing to show
WIDE = "道路损坏 陥没 도로 파손 🚧🕳️ 👩‍👩‍👧 🇮🇩"
COMBINING = "Zalgo" + "\u0301\u0336\u0489" * 200
HUGE = (("Deskripsi [b]panjang[/] \x1b]0;pwned\x07 " * 30_000) + "ujung")[:1_000_000]
TEN_K_LINES = "\n".join(f"baris {i} [/b] \x1b[2J" for i in range(10_000))

HOSTILE_LINE = f"{MARKUP} {ESCAPES} {BIDI} {ZERO_WIDTH} {WIDE}"
HOSTILE_BLOCK = f"{MARKUP}\n{ESCAPES}\n{BIDI}\n{ZERO_WIDTH}\n{WIDE}\n{COMBINING}"

# What an escape's payload leaves on screen once its control characters are gone (visible text).
PAYLOADS = ("pwned", "ZXZpbA==", "evil.example")


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    description: str
    address: str
    private: bool


SPECS = (
    Spec("markup", "Judul " + HOSTILE_LINE, HOSTILE_BLOCK, "Jl. " + MARKUP + " " + ESCAPES, True),
    Spec("huge", "Deskripsi 1 MB " + WIDE, HUGE, INVISIBLE, False),
    Spec("lines", "10k baris [/] " + BIDI, TEN_K_LINES, WIDE, True),
    Spec("combining", COMBINING + " " + WIDE * 3, COMBINING * 20 + "\n" + WIDE * 50, ZERO_WIDTH, False),
    Spec("invisible", INVISIBLE + "x", INVISIBLE, INVISIBLE, True),  # the intake refuses an empty title
)

OFFICER = "evil-officer"
OFFICER_NAME = "Evil " + CLICK + " 道路 \x1b]0;pwned\x07 🚧 \u202eflip" + "\u0301" * 40
# Short enough to be padded in the list's cell, not cut: its wide characters must count double.
WIDE_OFFICER = "wide-officer"
WIDE_OFFICER_NAME = "陥没 Budi 🚧"
OFFICER_NAMES = {OFFICER: OFFICER_NAME, WIDE_OFFICER: WIDE_OFFICER_NAME}
DISPATCHER = "mallory"
DISPATCHER_PASSWORD = DISPATCHER + DEMO_PASSWORD_SUFFIX
DISPATCHER_NAME = "Mallory [/bold] [b] \x1b]52;c;ZXZpbA==\x07 🇮🇩"
AGENCY = "JP.GAMBIR.CIDENG"
# Wide and combining characters first, so that they are in what the list's narrow cells show.
AGENCY_NAME = "Kelurahan 👍🏽도로\u0301 Cideng " + CLICK + " \x1b]2;pwned\x07 陥没"
CATEGORY = "lainnya"
CATEGORY_NAME = "陥没🕳️ Lainnya " + CLICK + " \x1bPpwned\x1b\\"
NOTE = "Catatan " + HOSTILE_BLOCK
HISTORY_DETAIL = "channel: JAKI " + CLICK + " \x1b]8;;https://evil.example\x07"


# --- the server ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileReport:
    spec: Spec
    variant: str  # "intake": as the server's sanitiser stored it; "raw": planted unsanitised
    number: str

    @property
    def assignee(self) -> str | None:
        """The officer it is assigned to when the world is built."""
        if (self.spec.key, self.variant) == ("invisible", "intake"):
            return None  # left for the assign dialog
        return WIDE_OFFICER if self.spec.key == "lines" else OFFICER

    @property
    def label(self) -> str:
        return f"{self.spec.key}-{self.variant}"


@dataclass
class HostileWorld:
    server: ServerProcess
    reports: list[HostileReport]

    def report(self, key: str, variant: str) -> HostileReport:
        return next(r for r in self.reports if r.spec.key == key and r.variant == variant)


def add_operator(server: ServerProcess, username: str, role: str, name: str) -> None:
    """An operator of the hostile world's kelurahan (Cideng), added with the CLI; the password is
    the demo's (username + DEMO_PASSWORD_SUFFIX)."""
    crm_server(
        "operator",
        "add",
        "--db",
        server.db,
        "--username",
        username,
        "--role",
        role,
        "--agency",
        AGENCY,
        "--name",
        name,
        stdin=username + DEMO_PASSWORD_SUFFIX + "\n",
    )


def _submit(server: ServerProcess, key: str, spec: Spec) -> str:
    response = httpx.post(
        f"{server.base_url}/api/v1/intake/reports",
        headers={"X-Intake-Key": key},
        json={
            "channel": "JAKI",
            "category": CATEGORY,
            "title": spec.title,
            "description": spec.description,
            "location": {"address": spec.address, "kelurahan": AGENCY},
            "private": spec.private,
        },
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def build_hostile_world(folder: Path) -> HostileWorld:
    """A server with every spec twice, notes and an assignment on each, then the raw bytes
    planted (server stopped, so its in-memory directory reloads them), then started again."""
    server = ServerProcess(folder / "hostile.sqlite3", reports=20).start()
    try:
        add_operator(server, OFFICER, "officer", OFFICER_NAME)  # the CLI sanitises; planted raw below
        add_operator(server, WIDE_OFFICER, "officer", WIDE_OFFICER_NAME)
        add_operator(server, DISPATCHER, "dispatcher", DISPATCHER_NAME)
        key = server.intake_key()
        reports = [
            HostileReport(spec, variant, _submit(server, key, spec)) for spec in SPECS for variant in ("intake", "raw")
        ]
        token = server.login(DISPATCHER, DISPATCHER_PASSWORD)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"{server.base_url}/api/v1", headers=headers, timeout=30) as api:
            for report in reports:
                path = f"/reports/{report.number}"
                if report.assignee is not None:
                    etag = api.get(path).headers["etag"]
                    body = {"officer": report.assignee}
                    api.post(f"{path}/assign", json=body, headers={"If-Match": etag}).raise_for_status()
                api.post(f"/reports/{report.number}/notes", json={"text": NOTE}).raise_for_status()
    finally:
        server.stop()
    _plant_raw(server.db, [r for r in reports if r.variant == "raw"])
    server.start()
    return HostileWorld(server, reports)


def _plant_raw(db: str, raw: list[HostileReport]) -> None:
    """Write the specs' text straight into the database, past the server's sanitiser. PostgreSQL
    cannot store NUL in text at all, so there the planted text goes without it."""
    from sqlalchemy import text

    from crm_server.storage.engine import Database

    database = Database.open(db)
    keep = (lambda value: value) if database.is_sqlite else (lambda value: value.replace("\x00", ""))

    def run(conn, sql: str, **values: object) -> None:
        conn.execute(text(sql), {k: keep(v) if isinstance(v, str) else v for k, v in values.items()})

    try:
        with database.write() as conn:
            for report in raw:
                spec = report.spec
                run(
                    conn,
                    "UPDATE reports SET title = :title, description = :description, address = :address"
                    " WHERE number = :number",
                    title=spec.title,
                    description=spec.description,
                    address=spec.address,
                    number=report.number,
                )
                report_id = conn.execute(
                    text("SELECT id FROM reports WHERE number = :number"), {"number": report.number}
                ).scalar_one()
                run(conn, "UPDATE notes SET text = :text WHERE report_id = :id", text=NOTE, id=report_id)
                run(
                    conn,
                    "UPDATE history SET detail = :detail WHERE report_id = :id AND action = 'created'",
                    detail=HISTORY_DETAIL,
                    id=report_id,
                )
            for table, column, key, value, where in (
                ("operators", "display_name", "username", OFFICER_NAME, OFFICER),
                ("operators", "display_name", "username", DISPATCHER_NAME, DISPATCHER),
                ("agencies", "name", "code", AGENCY_NAME, AGENCY),
                ("categories", "name", "code", CATEGORY_NAME, CATEGORY),
            ):
                run(conn, f"UPDATE {table} SET {column} = :value WHERE {key} = :where", value=value, where=where)
    finally:
        database.dispose()


# --- what the console must show ------------------------------------------------------------------


_NOT_DRAWN = str.maketrans("", "", WIDTH_DISPUTED)


def shown_line(text: str) -> str:
    """A one-line field as the console must draw it: sanitised, without the characters whose
    width terminals disagree on, a placeholder when nothing is left."""
    return clean_line(text).translate(_NOT_DRAWN) or "\u2014"


def shown_block(text: str) -> str:
    return clean_text(text).translate(_NOT_DRAWN) or "\u2014"


def control_characters(text: str) -> list[str]:
    """Characters that must never be on screen: C0 (but newline), DEL, C1, bidi, zero-width."""
    bad = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {"\n"}
    bad |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u2060\ufeff")
    return sorted({hex(ord(ch)) for ch in text if ch in bad})


# --- the terminal's bytes ------------------------------------------------------------------------

_CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")
_OSC = re.compile(rb"\x1b\](\d*);[^\x07\x1b]*(?:\x07|\x1b\\)")
TEXTUAL_OSC = {b"22"}  # the pointer shape: the only OSC Textual writes here (checked by running it)


def escape_problems(raw: bytes) -> list[str]:
    """What in the bytes written to the terminal could only have come from report data: any OSC
    but Textual's own, a window title, the clipboard, a hyperlink, DCS/APC/PM/SOS strings, C1
    controls, NUL, DEL, a bare BEL, a screen clear, or an ESC that starts nothing Textual writes."""
    problems = []
    for needle, what in (
        (b"\x1b]0;", "OSC 0 title"),
        (b"\x1b]2;", "OSC 2 title"),
        (b"\x1b]52;", "OSC 52 clipboard"),
        (b"\x1b]8;", "OSC 8 hyperlink"),
        (b"\x1bP", "DCS"),
        (b"\x1b_", "APC"),
        (b"\x1b^", "PM"),
        (b"\x1bX", "SOS"),
        (b"\x1b[2J", "clear screen"),
        (b"\x00", "NUL"),
        (b"\x7f", "DEL"),
    ):
        if needle in raw:
            problems.append(what)
    oscs = [m.group(1) for m in _OSC.finditer(raw)]
    problems += [f"OSC {n.decode()}" for n in sorted(set(oscs) - TEXTUAL_OSC)]
    rest = _OSC.sub(b"", _CSI.sub(b"", raw))
    if b"\x1b" in rest:
        problems.append("ESC outside CSI/OSC 22: " + repr(rest[max(0, rest.index(b"\x1b") - 20) :][:60]))
    if b"\x07" in rest:
        problems.append("BEL")
    text = raw.decode("utf-8", errors="replace")
    if c1 := [hex(ord(ch)) for ch in text if 0x80 <= ord(ch) <= 0x9F]:
        problems.append(f"C1 {sorted(set(c1))}")
    for payload in PAYLOADS:  # a payload is fine as visible text, never inside a sequence
        for m in _OSC.finditer(raw):
            if payload.encode() in m.group(0):
                problems.append(f"{payload} inside {m.group(0)!r}")
    return problems


# --- the list's columns ----------------------------------------------------------------------------

_NUMBER = re.compile(r"JK\d{10,11}")
LOCK_GLYPH = "🔒"  # the privacy marker in a UTF-8 terminal
_HEADERS = {"en": ("Status", "Category", "Kelurahan", "Assignee"), "id": ("Status", "Kategori", "Kelurahan", "Petugas")}


def _list_rows(lines: list[str], lang: str) -> tuple[list[int], list[str]]:
    """The column starts (in cells, from the list's header) and the rows under it."""
    titles = _HEADERS[lang]
    header_at = next(i for i, text in enumerate(lines) if titles[0] in text and titles[1] in text)
    header = lines[header_at]
    starts = [cell_len(header[: header.index(title)]) for title in titles if title in header]
    rows = []
    for text in lines[header_at + 1 :]:
        if not _NUMBER.search(text[:20]):
            break  # the end of the list
        rows.append(text)
    return starts, rows


def _cells(text: str) -> dict[int, str]:
    """The character starting at each cell offset, by Rich's count over the whole string (it
    joins some sequences), as Textual lays the line out."""
    return {cell_len(text[:i]): ch for i, ch in reversed(list(enumerate(text)))}


def misaligned_rows(lines: list[str], lang: str = "en", private: Collection[str] = ()) -> list[str]:
    """Rows of the report list (the lines right below its header that hold a report number)
    where a column does not start where the header's does, in terminal cells: a wide or
    combining character counted wrong, or a cell not cut to its width, pushes the rest (and
    can push the last column, the privacy marker of the `private` report numbers, out of sight)."""
    starts, rows = _list_rows(lines, lang)
    bad = []
    lock_at = set()
    for text in rows:
        if _NUMBER.search(text).group() in private and LOCK_GLYPH not in text:
            bad.append(text)
        cells = _cells(text)
        # Each column starts on a character boundary, after a blank gap cell.
        if any(start not in cells or cells.get(start - 1) != " " for start in starts):
            bad.append(text)
        lock_at |= {offset for offset, ch in cells.items() if ch == LOCK_GLYPH}
    if len(lock_at) > 1:  # the last column has no title: its marker lines up, or not
        bad.append(f"the privacy marker at cells {sorted(lock_at)}")
    return bad


def list_cells(lines: list[str], lang: str = "en") -> set[str]:
    """The text of every cell of the list's rows (from the status column on), unpadded."""
    starts, rows = _list_rows(lines, lang)
    found = set()
    for text in rows:
        offsets = sorted(_cells(text))
        index = {offset: i for i, offset in enumerate(offsets)}
        bounds = [index[start] for start in starts if start in index] + [len(text)]
        found |= {text[a:b].strip() for a, b in itertools.pairwise(bounds)} - {""}
    return found


_PRINT_AT_COLUMN = """
import json, sys
for text in json.load(open(sys.argv[1], encoding="utf-8")):
    sys.stdout.write(text + "\\x1b[%dG|\\r\\n" % int(sys.argv[2]))
sys.stdout.flush()
print("PRINTED")
"""


def tmux_widths(workdir: Path, texts: Iterable[str], column: int = 60) -> dict[str, int]:
    """How many cells tmux gives each text: it is printed at a line's start, the cursor is sent
    to an absolute column and a bar drawn there; the blanks left before the bar tell the width."""
    texts = sorted(texts)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    (workdir / "print.py").write_text(_PRINT_AT_COLUMN, encoding="utf-8")
    tmux = Tmux(workdir, width=column + 20, height=len(texts) + 5)
    try:
        command = [sys.executable, str(workdir / "print.py"), str(workdir / "texts.json"), str(column)]
        tmux.start(command, {"LANG": "C.UTF-8"})
        lines = tmux.wait_for("PRINTED", 20, "the probe").splitlines()
    finally:
        tmux.kill()
    widths = {}
    for text, shown in zip(texts, lines, strict=False):
        before = shown[: shown.index("|")]
        widths[text] = column - 1 - (len(before) - len(before.rstrip(" ")))
    return widths
