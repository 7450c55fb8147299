"""Snapshots of the widgets' visual states, on fixed data and a fixed clock.

Update with `pytest tests/widgets/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.widgets import fixtures
from tests.widgets.hosts import DetailHost, PhotoHost, TableHost
from tests.widgets.sources import ListSource


def test_private_detail(snap_compare) -> None:
    async def show(pilot: Pilot) -> None:
        pilot.app.detail.show_report(fixtures.private_report())
        await pilot.pause()

    assert snap_compare(DetailHost(), run_before=show, terminal_size=(80, 34))


def test_private_detail_english(snap_compare, ui_language) -> None:
    ui_language("en")

    async def show(pilot: Pilot) -> None:
        pilot.app.detail.show_report(fixtures.private_report())
        pilot.app.detail.show_notice("Changed by Budi Santoso just now")
        await pilot.pause()

    assert snap_compare(DetailHost(), run_before=show, terminal_size=(80, 34))


def test_public_detail_with_photo_shown(snap_compare) -> None:
    async def show(pilot: Pilot) -> None:
        report = fixtures.public_report_with_photo()
        pilot.app.detail.show_report(report)
        pilot.app.detail.show_photo(report.number, fixtures.photo_png(48, 24))
        await pilot.pause()

    assert snap_compare(DetailHost(), run_before=show, terminal_size=(80, 50))


def test_locked_photo(snap_compare) -> None:
    async def show(pilot: Pilot) -> None:
        pilot.app.photo.show_locked()
        await pilot.pause()

    assert snap_compare(PhotoHost(), run_before=show, terminal_size=(60, 5))


def test_empty_list(snap_compare) -> None:
    assert snap_compare(TableHost(ListSource([])), terminal_size=(80, 24))


def test_table_80x24(snap_compare) -> None:
    rows = fixtures.summaries() + fixtures.hostile_summaries()
    # Two rows not loaded yet show as placeholders; the cursor sits on the third row.
    source = ListSource(rows + rows, loaded={i for i in range(2 * len(rows)) if i not in (len(rows), len(rows) + 1)})
    assert snap_compare(TableHost(source), press=["j", "j"], terminal_size=(80, 24))
