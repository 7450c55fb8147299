"""Every status x action x role, against the service layer the routes call: allowed (and where
it leads), or the exact error. The expectation is written out here, apart from the server's
table, as the issue states the workflow.

One database of the test's own, in process: reports in each of the seven statuses, reached
through the services themselves; each case runs in a transaction that is rolled back, so every
case starts from the same report. (The HTTP layer is the same for every action and is tested on
the shared servers.)"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlalchemy import select

from crm_server import schemas
from crm_server.demo.seed import seed_operators
from crm_server.errors import ApiError, Conflict, Forbidden, Unprocessable
from crm_server.images import clean_photo
from crm_server.lifecycle import Action
from crm_server.roles import Role
from crm_server.services import follow_up, intake, report_routing, report_writes, validation
from crm_server.services.accounts import add_operator
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.services.report_reads import find_report
from crm_server.storage.bootstrap import initialise
from crm_server.storage.engine import Database
from crm_server.storage.schema import agencies, operators

HOME = "JP.GAMBIR.CIDENG"
ROLES = ("dispatcher", "officer", "supervisor", "validator", "observer")
STATUSES = {
    "M": "Menunggu",
    "K": "Koordinasi",
    "D": "Disposisi",
    "P": "Proses",
    "V": "Menunggu Validasi",
    "T": "TL Ditolak",
    "S": "Selesai",
}
# Per action, per role (in ROLES' order): the statuses it applies from. "-": the role may never
# (403). A lower-case letter: the role may, but only on a report assigned to them (403 here, as
# the officer holds none of those). Any other status: 409, naming the actions that apply. A claim
# is an assign naming oneself: for the roles that assign, an assign of a non-officer (422).
EXPECTED = {
    "assign": ("MKDPT", "-", "MKDPT", "-", "-"),
    "claim": ("MKDPT", "MKDPT", "MKDPT", "-", "-"),
    "coordinate": ("MKD", "-", "MKD", "-", "-"),
    "dispose": ("MK", "-", "MK", "-", "-"),
    "close": ("MKDPT", "-", "MKDPT", "-", "-"),
    "follow-up": ("-", "PT", "-", "-", "-"),
    "validate": ("-", "-", "-", "V", "-"),
    "reopen": ("-", "-", "S", "S", "-"),
    "note": ("MKDPVTS", "mkdPVTS", "MKDPVTS", "MKDPVTS", "-"),
}
# An officer of the agency holding the report, other than the one the role "officer" acts as.
OTHER_OFFICER = {HOME: "officer2", "DBM": "officer.dinas2", "DBM.JP": "officer.dbm2"}
LEADS_TO = {
    "assign": "Proses",
    "claim": "Proses",
    "coordinate": "Koordinasi",
    "dispose": "Disposisi",
    "close": "Selesai",
    "follow-up": "Menunggu Validasi",
    "validate": "Selesai",  # accepted
    "reopen": "Proses",
}


def jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(out, "JPEG")
    return out.getvalue()


class _Rollback(Exception):
    def __init__(self, result: object) -> None:
        self.result = result


@dataclass
class World:
    db: Database
    directory: Directory
    people: dict[str, Principal]
    numbers: dict[str, str]  # status letter -> report number
    held_by: dict[str, str]  # status letter -> agency whose dispatcher and officer act on it

    def principal(self, role: str, letter: str) -> Principal:
        if role in ("dispatcher", "officer"):
            return self.people[f"{role}@{self.held_by[letter]}"]
        return self.people["observer.dki" if role == "observer" else role]

    def attempt(self, work: Callable) -> object:
        """`work(conn)` in a write transaction that is always rolled back: its result or error."""
        try:
            with self.db.write() as conn:
                raise _Rollback(work(conn))
        except _Rollback as done:
            return done.result
        except ApiError as error:
            return error

    def run(self, work: Callable) -> object:
        with self.db.write() as conn:
            return work(conn)

    def etag(self, number: str) -> str:
        with self.db.read() as conn:
            return f'"{find_report(conn, number).version}"'


def _people(db: Database) -> dict[str, Principal]:
    with db.read() as conn:
        rows = conn.execute(
            select(
                operators.c.id, operators.c.username, operators.c.role, operators.c.agency_code, agencies.c.path
            ).select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))
        ).all()
    people = {}
    for row in rows:
        who = Principal(row.id, row.username, row.username, Role(row.role), row.agency_code, row.path)
        people[row.username] = who
        if row.role in ("dispatcher", "officer") and f"{row.role}@{row.agency_code}" not in people:
            people[f"{row.role}@{row.agency_code}"] = who
    return people


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Database.open(tmp_path_factory.mktemp("table") / "crm.sqlite3")
    initialise(db)
    seed_operators(db)
    # The Dinas a coordinated report goes to needs its own dispatcher and officer to act on it.
    # And an observer whose scope holds every report here (the demo's reads Jakarta Pusat).
    for username, role, agency in (
        ("dispatcher.dinas", "dispatcher", "DBM"),
        ("officer.dinas", "officer", "DBM"),
        ("officer.dinas2", "officer", "DBM"),
        ("observer.dki", "observer", "DKI"),
    ):
        add_operator(
            db,
            username=username,
            role=role,
            agency_code=agency,
            password="transition table passphrase",
            display_name=username,
        )
    directory = Directory(db)
    w = World(db, directory, _people(db), {}, {})

    def submit() -> str:
        body = schemas.IntakeReport(
            channel="JAKI",
            category=next(c for c in directory.categories.values() if c.dinas_code is None).code,
            title="Laporan uji",
            location=schemas.IntakeLocation(kelurahan=HOME),
        )
        return intake.submit(db, directory, body)

    sup, officer, validator = w.people["supervisor"], w.people["officer"], w.people["validator"]

    def act(number: str, fn: Callable) -> None:
        w.run(lambda conn: fn(conn, w.etag(number)))

    def route(number: str, action: Action, agency: str) -> None:
        body = schemas.RouteRequest(agency=agency, note="uji")
        act(number, lambda c, e: report_routing.route(c, directory, sup, number, e, action, body))

    def assigned(number: str) -> None:
        act(number, lambda c, e: report_writes.assign(c, directory, sup, number, e, "officer"))

    def followed_up(number: str) -> None:
        photo = clean_photo(jpeg((10, 200, 30)))
        act(number, lambda c, e: follow_up.submit(c, directory, officer, number, e, "Sudah.", None, [photo]))

    def validated(number: str, decision: str) -> None:
        body = schemas.ValidateRequest(decision=decision, reason="ulang")  # type: ignore[arg-type]
        act(number, lambda c, e: validation.validate(c, directory, validator, number, e, body))

    for letter in STATUSES:
        number = w.numbers[letter] = submit()
        w.held_by[letter] = HOME
        if letter in "KD":
            route(number, Action.COORDINATE, "DBM")
            w.held_by[letter] = "DBM"
        if letter == "D":
            route(number, Action.DISPOSE, "DBM.JP")
            w.held_by[letter] = "DBM.JP"
        if letter in "PVTS":
            assigned(number)
        if letter in "VTS":
            followed_up(number)
        if letter == "T":
            validated(number, "reject")
        if letter == "S":
            validated(number, "accept")
    yield w
    db.dispose()


def _call(w: World, action: str, letter: str, who: Principal) -> Callable:
    number, d = w.numbers[letter], w.directory
    etag = w.etag(number)
    photo = clean_photo(jpeg((200, 30, 30)))
    # A disposition goes to a Suku Dinas of the Dinas holding the report: DBM.JP, from DBM.
    target = "DBM.JP" if action == "dispose" else ("DBM" if w.held_by[letter] != "DBM" else HOME)
    calls: dict[str, Callable] = {
        "assign": lambda c: report_writes.assign(c, d, who, number, etag, OTHER_OFFICER[w.held_by[letter]]),
        "claim": lambda c: report_writes.assign(c, d, who, number, etag, who.username),
        "coordinate": lambda c: report_routing.route(
            c, d, who, number, etag, Action.COORDINATE, schemas.RouteRequest(agency=target, note="n")
        ),
        "dispose": lambda c: report_routing.route(
            c, d, who, number, etag, Action.DISPOSE, schemas.RouteRequest(agency=target, note="n")
        ),
        "close": lambda c: report_writes.close(
            c, d, who, number, etag, schemas.CloseRequest(resolution="tidak valid", note="n")
        ),
        "follow-up": lambda c: follow_up.submit(c, d, who, number, etag, "Sudah.", None, [photo]),
        "validate": lambda c: validation.validate(c, d, who, number, etag, schemas.ValidateRequest(decision="accept")),
        "reopen": lambda c: validation.reopen(c, d, who, number, etag, schemas.ReopenRequest(reason="belum")),
        "note": lambda c: report_writes.add_note(c, d, who, number, "catatan"),
    }
    return calls[action]


def _allowed(role: str, letter: str) -> list[str]:
    """What a 409 names: the server's actions (a claim only for officers)."""
    column = ROLES.index(role)
    return [
        action
        for action, cells in EXPECTED.items()
        if letter in cells[column] and not (action == "claim" and role != "officer")
    ]


CASES = list(itertools.product(EXPECTED, STATUSES, ROLES))


def test_the_table_states_every_action() -> None:
    assert set(EXPECTED) == {str(a) for a in Action}


@pytest.mark.parametrize(("action", "letter", "role"), CASES, ids=[f"{a}-{STATUSES[s]}-{r}" for a, s, r in CASES])
def test_every_status_action_and_role(world: World, action: str, letter: str, role: str) -> None:
    cell = EXPECTED[action][ROLES.index(role)]
    outcome = world.attempt(_call(world, action, letter, world.principal(role, letter)))
    if cell == "-":
        assert isinstance(outcome, Forbidden) and outcome.message == Forbidden.message, outcome
    elif letter.lower() in cell:
        assert isinstance(outcome, Forbidden), outcome
        assert outcome.message == "This report is not assigned to you."
    elif letter not in cell:
        assert isinstance(outcome, Conflict), outcome
        assert outcome.extra == {"status": STATUSES[letter], "allowed_actions": _allowed(role, letter)}
    elif action == "claim" and role != "officer":
        assert isinstance(outcome, Unprocessable), outcome
        assert outcome.message == "That officer cannot be assigned this report."
    elif action == "dispose" and letter == "M":
        # Allowed from Menunggu, but a kelurahan has no Suku Dinas to dispose to.
        assert isinstance(outcome, Unprocessable), outcome
        assert "Suku Dinas" in outcome.message
    elif action == "note":
        assert isinstance(outcome, schemas.Note), outcome
    else:
        assert isinstance(outcome, schemas.Report), outcome
        assert outcome.status == LEADS_TO[action], (outcome.status, action)
