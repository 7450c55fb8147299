"""ReportDetail: the banner first, every field, the photo rules, states, and hostile text."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from rich.cells import cell_len

from tests.widgets import fixtures
from tests.widgets.hosts import DetailHost
from tests.widgets.screen import screen_lines, screen_text
from widgets.privacy_banner import PRIVATE_GLOSS, PRIVATE_TEXT, PUBLIC_GLOSS, PUBLIC_TEXT
from widgets.report_format import format_wib

SIZE = (100, 60)


def flat(app: DetailHost) -> str:
    """The screen with line breaks and padding folded to single spaces, to find wrapped text."""
    return " ".join(" ".join(screen_lines(app)).split())


def first_text_line(app: DetailHost) -> str:
    return next(line.strip() for line in screen_lines(app) if line.strip())


async def test_private_report_banner_first_and_photo_locked() -> None:
    report = fixtures.private_report()
    assert report.private
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        assert first_text_line(app) == PRIVATE_TEXT
        text = flat(app)
        assert PRIVATE_GLOSS not in text  # the Indonesian UI has no gloss
        assert "Foto dikunci: laporan bersifat privasi" in text
        assert app.detail.photo.state == "locked"
        assert app.of(type(app.detail).PhotoNeeded) == []  # never asked for
        app.detail.show_photo(report.number, fixtures.photo_png())  # even if handed one
        await pilot.pause()
        assert app.detail.photo.state == "locked"


async def test_public_report_banner_and_english_gloss(ui_language) -> None:
    ui_language("en")
    report = fixtures.public_report_with_photo()
    assert not report.private
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app) if line.strip()]
        assert lines[0] == PUBLIC_TEXT
        assert lines[1] == PUBLIC_GLOSS
        assert PRIVATE_TEXT not in flat(app)


async def test_private_banner_english_ui_keeps_the_indonesian_text(ui_language) -> None:
    ui_language("en")
    report = fixtures.private_report()
    assert report.private
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        text = flat(app)
        assert text.startswith(PRIVATE_TEXT + " " + PRIVATE_GLOSS)
        assert "Photo locked: this report is private" in text


async def test_every_field_of_a_served_report(served) -> None:
    assigned = next(s for s in served.summaries(limit=200) if s.assignee is not None)
    report = served.report(assigned.number)
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        text = flat(app)
        expected = [
            report.number,
            report.status.value,
            report.category_name,
            report.channel,
            report.agency.name,
            report.assignee.display_name,
            format_wib(report.created_at),
            format_wib(report.updated_at),
            format_wib(report.due_at),
            report.location.address,
            report.location.kelurahan,
            report.location.kecamatan,
            report.location.city,
            report.title,
            " ".join(report.description.split()),
        ]
        for value in expected:
            assert value in text, value
        for entry in report.history:
            assert format_wib(entry.at) in text
        assert len(report.history) >= 2 and "ditugaskan" in text
        order = [text.index(value) for value in (report.number, report.title, report.category_name, "Riwayat")]
        assert order == sorted(order)


async def test_wib_times_and_fixed_fields() -> None:
    report = fixtures.private_report()
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        text = flat(app)
        assert "Dibuat 28 Nov 2026 12:05" in text  # 05:05 UTC is 12:05 WIB
        assert "Tenggat 5 Des 2026 12:05 (6 hari 22 jam lagi)" in text
        assert "28 Nov 2026 13:30 Budi Santoso Sudah koordinasi dengan PAM Jaya." in text
        assert "Siti Rahma · ditugaskan · Menunggu → Menunggu to Budi Santoso “Tolong dicek hari ini.”" in text


async def test_a_deadline_with_no_wib_form_does_not_stop_the_pane() -> None:
    # The client's models refuse such a time; the pane does not depend on it (set past the checks).
    report = fixtures.private_report()
    msgspec.structs.force_setattr(report, "due_at", datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        assert "Tenggat 9999-12-31T23:30+00:00" in flat(app)


async def test_public_report_with_photo_asks_for_it_and_draws_it(served) -> None:
    summary = next(s for s in served.summaries(limit=200, private="false") if s.photo == "available")
    report = served.report(summary.number)
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.detail
        detail.show_summary(summary)
        await pilot.pause()
        assert detail.photo.state == "loading"
        assert app.of(detail.PhotoNeeded) == []  # a preview does not fetch
        detail.show_report(report)
        await pilot.pause()
        (needed,) = app.of(detail.PhotoNeeded)
        assert needed.number == report.number and needed.control is detail
        detail.show_photo("JK0000000000", fixtures.photo_png())  # a late photo of another report
        assert detail.photo.state == "loading"
        detail.show_photo(report.number, served.photo(report.number).content)
        await pilot.pause()
        assert detail.photo.state == "shown"
        assert "▀" in screen_text(app)
        detail.show_report(report)  # the same report again (e.g. after a change): no refetch
        detail.show_summary(summary)  # its row highlighted again: the full report stays
        await pilot.pause()
        assert len(app.of(detail.PhotoNeeded)) == 1 and detail.photo.state == "shown"
        assert detail.report is report and "Riwayat" in flat(app)


async def test_summary_preview_then_message_states() -> None:
    summary = fixtures.summaries()[1]
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.detail
        await pilot.pause()
        assert "Pilih laporan untuk melihat rinciannya." in flat(app)
        assert PRIVATE_TEXT not in flat(app)
        detail.show_summary(summary)
        await pilot.pause()
        text = flat(app)
        assert text.startswith(PRIVATE_TEXT)
        assert summary.number in text and summary.title in text and "Tegal Parang" in text
        assert "Riwayat" not in text  # history comes with the full report
        assert detail.report is summary
        detail.show_message("Gagal memuat: [/bold] \x1b[31mserver")
        await pilot.pause()
        text = flat(app)
        assert "Gagal memuat: [/bold] [31mserver" in text
        assert summary.number not in text and PRIVATE_TEXT not in text
        assert detail.report is None


async def test_notice_under_the_banner() -> None:
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.detail
        detail.show_report(fixtures.private_report())
        detail.show_notice("Diubah oleh [b]Budi[/b] barusan")
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app) if line.strip()]
        assert lines[0] == PRIVATE_TEXT
        assert lines[1].endswith(" Diubah oleh [b]Budi[/b] barusan")
        detail.show_notice(None)
        await pilot.pause()
        assert "Diubah oleh" not in flat(app)
        detail.show_notice("changed")
        detail.show_report(fixtures.public_report_with_photo())  # another report: the notice goes
        await pilot.pause()
        assert "changed" not in flat(app)


HOSTILE = "[@click=app.quit]KLIK[/] [/bold] [b]x[/b] \x1b]0;TITLE\x07\x1b[2J\x9b\u202e\u200b"


def hostile_report():
    base = fixtures.public_report_with_photo()
    actor = {"username": "x", "display_name": HOSTILE}
    return fixtures.report(
        2,
        title=HOSTILE,
        category_name=HOSTILE,
        channel=HOSTILE,
        agency={"code": "X", "name": HOSTILE},
        assignee=actor,
        description=HOSTILE + "\n" + "baris\n" * 10_000 + "a" * 1_000_000,
        location={**msgspec.to_builtins(base.location), "address": HOSTILE, "kelurahan": HOSTILE},
        history=[
            {
                "at": "2026-11-28T06:00:00Z",
                "actor": actor,
                "action": HOSTILE,
                "from_status": None,
                "to_status": "Proses",
                "detail": HOSTILE,
                "note": HOSTILE,
            }
        ],
        notes=[{"id": 9, "at": "2026-11-28T06:30:00Z", "author": actor, "text": HOSTILE}],
    )


async def test_hostile_text_is_literal_inert_and_bounded() -> None:
    report = hostile_report()
    app = DetailHost()
    async with app.run_test(size=(100, 50)) as pilot:
        detail = app.detail
        detail.show_report(report)
        detail.show_notice(HOSTILE)
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        for forbidden in ("\x1b", "\x9b", "\x07", "\u202e", "\u200b"):
            assert forbidden not in shown
        assert shown.count("[@click=app.quit]KLIK[/] [/bold] [b]x[/b]") >= 5
        # Click on every place the link text is drawn: a live link would run app.quit.
        for y, line in enumerate(screen_lines(app)):
            if "KLIK" in line:
                await pilot.click(offset=(cell_len(line[: line.index("KLIK")]) + 1, y))
        await pilot.pause()
        assert app.actions_run == []
        assert app.is_running
        description = str(detail.query_one("#description").render())
        assert len(description) <= 20_000 and description.count("\n") < 2_000
        detail.scroll_end(animate=False)  # all the way through the history and notes
        await pilot.pause()
        assert app.is_running


async def test_moving_to_another_report_reuses_the_children_and_starts_at_the_banner() -> None:
    app = DetailHost()
    async with app.run_test(size=(80, 20)) as pilot:
        detail = app.detail
        detail.show_report(fixtures.private_report())
        await pilot.pause()
        children = list(detail.walk_children())
        detail.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert detail.scroll_y > 0
        detail.show_summary(fixtures.summaries()[2])
        detail.show_report(fixtures.public_report_with_photo())
        await pilot.pause()
        assert list(detail.walk_children()) == children  # updated in place, nothing remounted
        assert detail.scroll_y == 0
        assert first_text_line(app) == PUBLIC_TEXT


async def test_long_values_wrap_under_themselves() -> None:
    address = "Jl. Balai Pustaka Timur Raya Nomor Tujuh Puluh Empat RT 10 RW 02 dekat masjid besar"
    report = fixtures.report(
        0, location={**msgspec.to_builtins(fixtures.private_report().location), "address": address}
    )
    app = DetailHost()
    async with app.run_test(size=(50, 60)) as pilot:
        app.detail.show_report(report)
        await pilot.pause()
        lines = screen_lines(app)
        at = next(i for i, line in enumerate(lines) if line.strip().startswith("Alamat"))
        value_column = lines[at].index("Jl.")
        continuation = lines[at + 1]
        assert continuation[:value_column].strip() == ""
        assert continuation[value_column] != " "
        assert " ".join(" ".join(lines[at : at + 4]).split()).startswith("Alamat " + address)


async def test_an_answer_that_lands_once_the_pane_is_gone_is_dropped() -> None:
    # A detail load that finishes while the console closes: the pane has left the DOM, with
    # its styles; showing the report there must not fail.
    report = fixtures.public_report_with_photo()
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        detail = app.detail
        await detail.remove()
        await pilot.pause()
        detail.show_pending(fixtures.summary(0), "loading")
        detail.show_summary(fixtures.summary(0))
        detail.show_report(report)
        detail.show_message("gone")
        assert detail.report is None and app.of(type(detail).PhotoNeeded) == []


async def test_the_lifecycle_timeline_and_the_duplicate_evidence_flag(served) -> None:
    """A served report that was handed on and followed up: each handoff from -> to, each round's
    response and evidence times, the duplicate flag, the validation; a report with neither has
    no such section."""
    candidates = served.summaries(limit=200, status=["Menunggu Validasi", "TL Ditolak", "Selesai"])
    reports = [served.report(s.number) for s in candidates]
    flagged = next(r for r in reports if any(e.similar_to for f in r.follow_ups for e in f.evidence))
    plain = next(r for r in (served.report(s.number) for s in served.summaries(limit=50, status=["Menunggu"])))
    assert not plain.handoffs and not plain.follow_ups
    app = DetailHost()
    async with app.run_test(size=(100, 120)) as pilot:
        app.detail.show_report(flagged)
        await pilot.pause()
        text = flat(app)
        assert "Alur tindak lanjut" in text
        for round_ in flagged.follow_ups:
            assert f"tindak lanjut ke-{round_.round}" in text
            assert " ".join(round_.response.split()) in text
            for evidence in round_.evidence:
                assert format_wib(evidence.uploaded_at) in text
                if evidence.similar_to:
                    assert f"PERINGATAN: foto ini hampir sama dengan bukti {evidence.similar_to}" in text
            if round_.validation is not None:
                assert ("ditolak (TL Ditolak)" if round_.validation.decision == "reject" else "diterima") in text
        for handoff in flagged.handoffs:
            assert f"{handoff.from_agency.name} → {handoff.to_agency.name}" in text
        order = [text.index(value) for value in ("Alur tindak lanjut", "Riwayat", "Catatan")]
        assert order == sorted(order)
        app.detail.show_report(plain)
        await pilot.pause()
        assert "Alur tindak lanjut" not in flat(app)


async def test_the_routing_deadline_shows_until_the_first_routing_action() -> None:
    pending = fixtures.report(0, status="Menunggu", coordination_due_at="2026-11-28T06:00:00Z", routed_at=None)
    routed = fixtures.report(
        0, status="Proses", coordination_due_at="2026-11-28T06:00:00Z", routed_at="2026-11-28T05:30:00Z"
    )
    app = DetailHost()
    async with app.run_test(size=SIZE) as pilot:
        app.detail.show_report(pending)
        await pilot.pause()
        assert "Batas rute 28 Nov 2026 13:00 (" in flat(app)  # 06:00 UTC, passed an hour ago: red
        app.detail.show_report(routed)
        await pilot.pause()
        assert "Batas rute" not in flat(app)
