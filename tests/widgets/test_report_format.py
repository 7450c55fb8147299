"""Ages, times left, WIB times and status style names, as the list and the detail show them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from api_client.models import ReportStatus
from tests.widgets import fixtures
from widgets.report_format import (
    compact_span,
    describe_time_left,
    format_age,
    format_left,
    format_time_left,
    format_wib,
    is_late,
    status_class,
)

NOW = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)


def test_wib_is_utc_plus_seven_whatever_the_input_zone(ui_language) -> None:
    assert format_wib(NOW) == "28 Nov 2026 14:05"
    assert format_wib(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)) == "1 Jan 2027 03:00"
    assert format_wib(datetime(2026, 8, 17, 9, 0, tzinfo=timezone(timedelta(hours=9)))) == "17 Agu 2026 07:00"
    ui_language("en")
    assert format_wib(datetime(2026, 8, 17, 9, 0, tzinfo=timezone(timedelta(hours=9)))) == "17 Aug 2026 07:00"


def test_a_time_with_no_wib_form_is_shown_as_it_came() -> None:
    # 23:30 UTC on the last day of year 9999 is past the end of Python's calendar in WIB.
    assert format_wib(datetime(9999, 12, 31, 23, 30, tzinfo=UTC)) == "9999-12-31T23:30+00:00"
    assert format_wib(datetime(9999, 12, 31, 16, 59, tzinfo=UTC)) == "31 Des 9999 23:59"  # still has one


@pytest.mark.parametrize(
    ("seconds", "indonesian", "english"),
    [
        (0, "0m", "0m"),
        (59 * 60, "59m", "59m"),
        (3 * 3600 + 59, "3j", "3h"),
        (23 * 3600 + 3599, "23j", "23h"),
        (2 * 86400 + 5, "2h", "2d"),
        (-2 * 86400, "-2h", "-2d"),
        (-90 * 60, "-1j", "-1h"),
    ],
)
def test_compact_spans(seconds: int, indonesian: str, english: str, ui_language) -> None:
    assert compact_span(seconds) == indonesian
    ui_language("en")
    assert compact_span(seconds) == english


def test_age_and_time_left() -> None:
    created = NOW - timedelta(hours=3, minutes=10)
    assert format_age(created, NOW) == "3j"
    assert format_age(NOW + timedelta(minutes=5), NOW) == "0m"  # a clock ahead of ours is not negative
    assert format_time_left(created + timedelta(days=7), NOW) == "6h"
    assert format_time_left(NOW - timedelta(days=2, hours=1), NOW) == "-2h"


def test_time_left_in_words(ui_language) -> None:
    assert describe_time_left(NOW + timedelta(days=6, hours=22, minutes=5), NOW) == "6 hari 22 jam lagi"
    assert describe_time_left(NOW + timedelta(minutes=40), NOW) == "40 menit lagi"
    assert describe_time_left(NOW + timedelta(seconds=20), NOW) == "jatuh tempo sekarang"
    assert describe_time_left(NOW - timedelta(days=2), NOW) == "terlambat 2 hari"
    ui_language("en")
    assert describe_time_left(NOW + timedelta(days=1, hours=3), NOW) == "1d 3h left"
    assert describe_time_left(NOW - timedelta(hours=5), NOW) == "overdue by 5h"


def test_red_from_day_six_and_when_overdue_for_open_reports_only() -> None:
    def late(age: timedelta, status: ReportStatus = ReportStatus.MENUNGGU, due_in: timedelta | None = None) -> bool:
        created = NOW - age
        due = created + timedelta(days=7) if due_in is None else NOW + due_in
        return is_late(created, due, NOW, status)

    assert not late(timedelta(days=5, hours=23, minutes=59))
    assert late(timedelta(days=6))
    assert late(timedelta(days=9))
    assert late(timedelta(days=1), due_in=timedelta(minutes=-1))  # a short deadline already passed
    assert not late(timedelta(days=9), ReportStatus.SELESAI)


def test_left_runs_to_the_route_by_deadline_while_a_menunggu_report_is_not_routed(ui_language) -> None:
    now = fixtures.NOW
    arrived = now - timedelta(hours=2)

    def left(status: str = "Menunggu", *, routed: bool = False, route_by: timedelta = timedelta(hours=4)):
        moments = {"created_at": arrived.isoformat(), "due_at": (arrived + timedelta(days=7)).isoformat()}
        routing = {
            "coordination_due_at": (now + route_by).isoformat(),
            "routed_at": now.isoformat() if routed else None,
        }
        return format_left(fixtures.summary(0, status=status, **moments, **routing), now)

    ui_language("en")
    assert left() == ("r4h", False)  # the 6 hours from arrival, 2 of them gone
    assert left(route_by=timedelta(minutes=-30)) == ("r-30m", True)  # passed: red on day one
    assert left(routed=True) == ("6d", False)  # routed: the 7-day deadline again
    assert left("Proses") == ("6d", False)
    ui_language("id")
    assert left() == ("r4j", False)


def test_status_classes_are_distinct_and_css_safe() -> None:
    names = {status_class(status) for status in ReportStatus}
    assert len(names) == len(ReportStatus)
    assert status_class(ReportStatus.MENUNGGU_VALIDASI) == "status-menunggu-validasi"
    assert status_class(ReportStatus.TL_DITOLAK) == "status-tl-ditolak"
    assert all(name.replace("-", "").isalpha() for name in names)


def test_every_status_has_a_style_in_the_list_and_the_detail() -> None:
    from widgets.report_detail import ReportDetail
    from widgets.report_table import ReportTable

    for status in ReportStatus:
        name = status_class(status)
        assert f"report-table--{name}" in ReportTable.COMPONENT_CLASSES
        assert f".report-table--{name} " in ReportTable.DEFAULT_CSS
        assert f"report-detail--{name}" in ReportDetail.COMPONENT_CLASSES
        assert f".report-detail--{name} " in ReportDetail.DEFAULT_CSS
