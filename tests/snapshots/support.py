"""What the console snapshots share: fixed data, a host for one dialog, and waits for a settled screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from api_client.models import Agency, AgencyRef, Category, Officer, Report
from crm_tui.dialogs.validate_dialog import ValidationPhotos
from tests.crm_tui.harness import until
from tests.widgets import fixtures

# The seeded server: `crm-server seed --reports 60 --random-seed 9 --now 1795000000`.
SEED_REPORTS = 60
SEED_RANDOM = 9
SEED_NOW = 1795000000
# The console's clock: an hour after the seed's 'now', so ages and times left never move.
CONSOLE_NOW = datetime.fromtimestamp(SEED_NOW + 3600, UTC)

SMALL = (80, 24)
WIDE = (120, 32)

# --- fixed data for the dialogs (built on the widget fixtures) --------------------------------

REPORT = fixtures.summary(0)
REPORT_NUMBER = REPORT.number
AGENCY = AgencyRef(**fixtures.KEL)
OFFICERS = [
    Officer(**fixtures.BUDI, agency=AGENCY, open_workload=3),
    Officer(username="officer2", display_name="Dewi Lestari", agency=AGENCY, open_workload=0),
    Officer(username="officer3", display_name="Agus Prasetyo", agency=AGENCY, open_workload=12),
    # Markup in a name is shown as typed, never interpreted.
    Officer(username="officer4", display_name=fixtures.HOSTILE_TITLES["markup"], agency=AGENCY, open_workload=1),
]
CATEGORIES = sorted(
    {
        summary.category: Category(code=summary.category, name=summary.category_name, dinas_code=None)
        for summary in fixtures.summaries()
    }.values(),
    key=lambda category: category.name,
)
AGENCIES = [
    Agency(code=fixtures.KEL["code"], name=fixtures.KEL["name"], kind="kelurahan", parent_code="JP.GAMBIR"),
    Agency(code="JP.GAMBIR", name="Kecamatan Gambir", kind="kecamatan", parent_code="JP"),
    Agency(code="DBM", name="Dinas Bina Marga", kind="dinas", parent_code="DKI"),
    Agency(code="DBM.JP", name="Suku Dinas Bina Marga Jakarta Pusat", kind="suku_dinas", parent_code="DBM"),
    Agency(code="DBM.JS", name="Suku Dinas Bina Marga Jakarta Selatan", kind="suku_dinas", parent_code="DBM"),
    Agency(code="DSDA", name="Dinas Sumber Daya Air", kind="dinas", parent_code="DKI"),
    Agency(code="DSDA.JP", name="Suku Dinas Sumber Daya Air Jakarta Pusat", kind="suku_dinas", parent_code="DSDA"),
]
AT_DINAS = fixtures.summary(1, agency={"code": "DBM", "name": "Dinas Bina Marga"})


def _evidence(id: int, captured_at: str | None, similar_to: str | None = None) -> dict[str, object]:  # noqa: A002
    return {
        "id": id,
        "content_type": "image/png",
        "width": 32,
        "height": 24,
        "sha256": f"{id:064x}",
        "perceptual_hash": f"{id:016x}",
        "captured_at": captured_at,
        "uploaded_at": "2026-11-28T06:40:00Z",
        "similar_to": similar_to,
    }


# A non-private report with the reporter's photo, awaiting validation of its first follow-up,
# whose second evidence photo is nearly the same as another report's.
AWAITING: Report = fixtures.report(
    2,
    status="Menunggu Validasi",
    assignee=fixtures.BUDI,
    follow_ups=[
        {
            "round": 1,
            "at": "2026-11-28T06:40:00Z",
            "officer": fixtures.BUDI,
            "response": "Pipa bocor sudah diganti, air [b]mengalir[/b] kembali.",
            "note": "Dikerjakan bersama PAM Jaya.",
            "evidence": [_evidence(11, "2026-11-28T06:10:00Z"), _evidence(12, None, "JK2611270012")],
            "validation": None,
        }
    ],
)


async def _photo(_what: object) -> bytes:
    return fixtures.photo_png()


SNAPSHOT_PHOTOS = ValidationPhotos(evidence=_photo, citizen=_photo)


async def photos_drawn(pilot: Pilot) -> None:
    """Every photo panel of the dialog on top has drawn its photo (or its locked notice)."""
    from widgets.photo_panel import PhotoPanel

    panels = list(pilot.app.screen.query(PhotoPanel))
    await until(pilot, lambda: panels and all(p.state in ("shown", "locked") for p in panels), "the photos")


HELP_ROWS = [
    ("main.text_filter", "/", "Cari"),
    ("main.filters", "f", "Saring"),
    ("main.sort", "s", "Urut"),
    ("main.assign", "a", "Tugaskan"),
    ("main.close", "c", "Tutup"),
    ("main.note", "n", "Catatan"),
    ("main.refresh", "r ctrl+r", "Muat ulang"),
    ("main.command", ":", "Perintah"),
    ("main.help", "?", "Bantuan"),
    ("main.quit", "q", "Keluar"),
]


class DialogHost(App[None]):
    """Pushes one dialog over an empty screen, as the console does, and keeps what it returns."""

    TITLE = "CRM"

    def __init__(self, make_dialog: Callable[[], Screen]) -> None:
        super().__init__()
        self.animation_level = "none"
        self._make_dialog = make_dialog
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self._make_dialog(), self.results.append)


def steady_cursors(app: App) -> None:
    """Text cursors stop blinking, so a snapshot never catches one half-way through a blink."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


def dialog_shown(kind: type[Screen], *keys: str, then: Callable[[Pilot], Awaitable[None]] | None = None):
    """A `run_before`: wait for the dialog `kind`, press `keys`, run `then`, steady the cursors."""

    async def run_before(pilot: Pilot) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, kind), f"the {kind.__name__}")
        await pilot.press(*keys)
        if then is not None:
            await then(pilot)
        steady_cursors(pilot.app)
        await pilot.pause()

    return run_before
