"""A bulk assign in a real terminal, with the world moving: three reports marked, another
operator changes one of them meanwhile; the summary names the conflict (who, what) and the
server holds the two assigns and the other operator's change, nothing overwritten."""

from __future__ import annotations

import pytest

from tests.e2e.test_two_consoles import CRM_TUI, _env

pytestmark = pytest.mark.slow  # a real console in a real terminal: seconds each


def test_mark_three_one_changed_meanwhile_bulk_assign(tmp_path, terminal, writes):
    numbers = [writes.submit(title=f"Bulk in a terminal {i}") for i in range(3)]  # the newest: on top
    terminal.start([str(CRM_TUI)], _env(tmp_path, writes.server.base_url, "dispatcher"))
    terminal.wait_for(lambda s: all(n in s for n in numbers) and "online" in s, 40, "the three reports listed")
    terminal.type("   ")  # Space three times: the three top rows, each marked and the cursor down
    terminal.wait_for("3 marked", 10, "the marks counted in the header")
    changed = numbers[1]
    assert writes.assign("supervisor", changed, "officer3").status_code == 200  # another operator
    terminal.type("a")
    terminal.wait_for("Assign the 3 marked reports", 20, "the bulk dialog")
    terminal.wait_for("Rina Marlina", 10, "the officers")
    officers = [o["username"] for o in writes.get("dispatcher", "/officers").json()]  # the dialog's order
    terminal.send(*["Down"] * officers.index("officer2"), "Enter")
    screen = terminal.wait_for("Done: 2.", 30, "the summary")
    flat = " ".join(screen.split())
    assert f"{changed}: Hendra Gunawan" in flat and "Agus Setiawan" in flat
    terminal.send("Escape")
    terminal.wait_for(lambda s: "Done: 2." not in s and "1 marked" in s, 10, "the summary closed; the conflict marked")
    for number in numbers:
        assignee = writes.detail("supervisor", number)[0]["assignee"]["username"]
        assert assignee == ("officer3" if number == changed else "officer2")
    terminal.type("q")
    terminal.wait_for("EXIT=0", 20, "the console to quit")
