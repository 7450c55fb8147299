"""Snapshot of the dashboard at 80x24 on fixed figures; no network.

Update with `pytest tests/snapshots/test_dashboard.py --snapshot-update`, then look at the SVG.
"""

from __future__ import annotations

from textual.pilot import Pilot

from api_client.models import Stats
from crm_tui.screens.dashboard_screen import DashboardScreen
from tests.crm_tui.harness import until
from tests.snapshots.support import SMALL, DialogHost
from tests.widgets.stats_fixtures import STATS


async def fixed() -> Stats:
    return STATS


async def figures_shown(pilot: Pilot) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen) and pilot.app.screen.stats, "figures")
    await pilot.pause()


def test_dashboard_small(snap_compare, ui_language) -> None:
    """Totals, arrivals against closures, officers (the unassigned first, a name with markup shown
    as typed) and sub-agencies, red counts in the error colour, Enter's meaning in the footer."""
    ui_language("id")
    app = DialogHost(lambda: DashboardScreen(fixed, "Kelurahan Cideng"))
    assert snap_compare(app, run_before=figures_shown, terminal_size=SMALL)
