"""One report through the whole follow-up lifecycle in real terminals, each step by the operator
whose step it is, in a console of their own: it arrives (intake), the kelurahan's supervisor
coordinates it to the Dinas Bina Marga and disposes it to its Suku Dinas in Jakarta Pusat, whose
dispatcher assigns it to an officer; the officer follows up with an evidence photo, the
validator rejects it with a reason, the officer follows up again, the validator accepts. The
officer's and the validator's consoles stay open throughout and learn of each other's steps
live. Then the server's history over HTTP holds every step, in order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.crm_server.helpers import Api, encoded, marker, scene
from tests.e2e.test_two_consoles import CRM_TUI, TERMINAL_SIZE, _env
from tests.support.tmux import Tmux

pytestmark = pytest.mark.slow  # real consoles in real terminals: seconds each

OPERATORS = ("supervisor", "dispatcher.dbm", "officer.dbm", "validator")


def flat(screen: str) -> str:
    """The screen's words on one line: a toast or a message may wrap anywhere."""
    return " ".join(screen.split())


def shows(text: str):
    return lambda screen: text in flat(screen)


def focus_on(console: Tmux, placeholder: str) -> None:
    """Until the focused (empty) text field is the one showing `placeholder`: a key that moves the
    focus is handled after the keys typed behind it have gone to the field it leaves."""

    def there(screen: str) -> bool:
        return console.cursor()[1] in [y for y, row in enumerate(screen.splitlines()) if placeholder in row]

    console.wait_for(there, 10, f"the cursor in the field {placeholder!r}")


def evidence(folder: Path, name: str) -> Path:
    """A photo unlike any other test's evidence (similar ones are flagged across reports)."""
    path = folder / name
    path.write_bytes(encoded(scene(random.randrange(1 << 30))))
    return path


def jump(console: Tmux, number: str, title: str) -> None:
    console.type(":")
    console.wait_for("help, q", 10, "the command line")  # its placeholder
    console.type(number)
    console.send("Enter")
    console.wait_for(lambda s: "help, q" not in s and title in s, 20, f"the prompt closed, {number} in the detail")


def follow_up(console: Tmux, number: str, response: str, photo: Path) -> None:
    console.type("t")
    console.wait_for(f"Follow-up on {number}", 20, "the follow-up dialog")
    console.type(response)
    console.send("Tab")
    focus_on(console, "Internal note (optional)")
    console.type("Dicek bersama ketua RT.")
    console.send("Tab")
    focus_on(console, "Evidence photo path")
    console.type(str(photo))
    console.send("Enter")
    console.wait_for("Evidence photos (1/4)", 10, "the photo chosen")
    console.send("C-s")
    console.wait_for(f"{number}  Menunggu Validasi", 20, "the follow-up sent")


def test_one_report_from_intake_to_accepted_by_each_operator_in_turn(tmp_path, writes: Api):
    title = f"Lubang besar {marker('E2E')}"
    number = writes.submit(title=title)  # a kelurahan's category: it lands at the kelurahan
    consoles: dict[str, Tmux] = {}
    try:
        for username in OPERATORS:  # all four start at once: their sign-ins overlap
            folder = tmp_path / username
            folder.mkdir()
            consoles[username] = Tmux(folder, width=TERMINAL_SIZE[0], height=TERMINAL_SIZE[1])
            consoles[username].start([str(CRM_TUI)], _env(tmp_path, writes.server.base_url, username))
        for console in consoles.values():
            console.wait_for("online", 40, "signed in and following events")
        supervisor, dispatcher, officer, validator = (consoles[u] for u in OPERATORS)

        # The kelurahan's supervisor: not the kelurahan's duty, to the Dinas Bina Marga... (the
        # newest report: the top row, in the detail from the start)
        supervisor.wait_for(title, 20, f"{number} in the detail")
        supervisor.type("o")
        supervisor.wait_for(f"Coordinate {number}", 20, "the coordination dialog")
        supervisor.type("dinas bina marga")
        screen = supervisor.wait_for(lambda s: "(DBM)" in s and "(DKI)" not in s, 10, "the agencies narrowed")
        shown = [line for line in screen.splitlines() if "Bina Marga" in line and "(DBM" in line]
        # Down moves the highlight from the filter; Enter goes on to the note.
        supervisor.send(*["Down"] * next(i for i, line in enumerate(shown) if "(DBM)" in line), "Enter")
        focus_on(supervisor, "Why (required)")
        supervisor.type("Jalan kota: kewenangan Dinas Bina Marga.")
        supervisor.send("C-s")
        supervisor.wait_for(f"{number}  Koordinasi", 20, "coordinated")
        # ... which hands it down to its Suku Dinas in Jakarta Pusat.
        supervisor.type("d")
        supervisor.wait_for(f"Dispose {number}", 20, "the disposition dialog")
        supervisor.type("jakarta pusat")
        supervisor.wait_for(lambda s: "(DBM.JP)" in s and "(DBM.JS)" not in s, 10, "the Suku Dinas narrowed")
        supervisor.send("Enter")
        focus_on(supervisor, "Why (required)")
        supervisor.type("Wilayah Jakarta Pusat.")
        supervisor.send("C-s")
        supervisor.wait_for(f"{number}  Disposisi", 20, "disposed")

        # The Suku Dinas accepts it by assigning an officer.
        jump(dispatcher, number, title)
        dispatcher.type("a")
        dispatcher.wait_for(f"Assign {number}", 20, "the assign dialog")
        dispatcher.type("teguh")
        dispatcher.send("Enter")
        dispatcher.wait_for(f"{number}  Proses", 20, "assigned")

        # The officer follows up; the validator rejects it with a reason.
        jump(officer, number, title)
        follow_up(officer, number, "Lubang sudah ditambal.", evidence(tmp_path, "tambal.jpg"))
        jump(validator, number, title)
        validator.type("v")
        validator.wait_for(f"Validate {number}", 20, "the validate dialog")
        validator.wait_for("Evidence 1: taken", 10, "the evidence and its times")
        validator.send("Down", "Down", "Enter")  # reject, and on to the reason
        focus_on(validator, "Reason (required to reject")
        validator.type("Foto tidak menunjukkan lubang yang dilaporkan.")
        validator.send("C-s")
        validator.wait_for(f"{number}  TL Ditolak", 20, "rejected")

        # The officer's console learnt of it live; the officer follows up again, and the
        # validator, whose console learnt of that live too, accepts.
        officer.wait_for(f"{number}  TL Ditolak", 20, "the rejection, live")
        follow_up(officer, number, "Lubang ditambal ulang dan dipadatkan.", evidence(tmp_path, "ulang.jpg"))
        validator.wait_for(f"{number}  Menunggu Validasi", 20, "the second follow-up in the detail, live")
        validator.type("v")
        validator.wait_for(shows("Follow-up round 2 by Teguh Prasetyo"), 20, "the dialog on the second round")
        validator.send("Down")  # accept
        validator.send("C-s")
        validator.wait_for(f"{number}  Selesai", 20, "accepted")

        for console in consoles.values():
            console.type("q")
        for console in consoles.values():
            console.wait_for("EXIT=0", 20, "the console to quit")
    finally:
        for console in consoles.values():
            console.kill()

    report, _ = writes.detail("supervisor", number)
    steps = [(h["action"], h["actor"]["username"] if h["actor"] else None) for h in report["history"]]
    assert steps == [
        ("created", None),
        ("coordinated", "supervisor"),
        ("disposed", "supervisor"),
        ("assigned", "dispatcher.dbm"),
        ("followed_up", "officer.dbm"),
        ("rejected", "validator"),
        ("followed_up", "officer.dbm"),
        ("accepted", "validator"),
    ]
    assert report["status"] == "Selesai" and report["resolution"] == "selesai"
    rounds = report["follow_ups"]
    assert [(r["round"], r["validation"]["decision"]) for r in rounds] == [(1, "reject"), (2, "accept")]
    assert rounds[0]["validation"]["reason"] == "Foto tidak menunjukkan lubang yang dilaporkan."
