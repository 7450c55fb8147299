"""How the list and the detail put times and statuses into words, in one place.

Times are shown in WIB (UTC+7, no daylight saving), a fixed offset so the console needs no
tzdata. Ages and times left come in two forms: compact for a table cell ("3j", "-2h") and
long for the detail pane ("6 hari 3 jam lagi").
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api_client.models import ReportStatus, ReportSummary
from widgets.i18n import Texts, language

WIB = timezone(timedelta(hours=7), "WIB")
RED_FROM = timedelta(days=6)  # since 2025 a report unanswered after 6 days is flagged red

_HOUR = 3600
_DAY = 24 * _HOUR

TEXTS = Texts(
    id={
        "minute": "m",
        "hour": "j",
        "day": "h",
        "minutes": "{n} menit",
        "hours": "{n} jam",
        "days": "{n} hari",
        "left": "{span} lagi",
        "overdue": "terlambat {span}",
        "due_now": "jatuh tempo sekarang",
        "legend": "Umur dan Sisa: m menit, j jam, h hari; Sisa di bawah nol: sudah lewat tenggat; "
        "r di depan Sisa: batas rute 6 jam (laporan Menunggu yang belum didisposisi, dikoordinasikan atau ditugaskan).",
        "route_mark": "r",
    },
    en={
        "minute": "m",
        "hour": "h",
        "day": "d",
        "minutes": "{n}m",
        "hours": "{n}h",
        "days": "{n}d",
        "left": "{span} left",
        "overdue": "overdue by {span}",
        "due_now": "due now",
        "legend": "Age and Left: m minutes, h hours, d days; a Left below zero is past its deadline; "
        "r before Left: the 6-hour route-by deadline (a Menunggu report not yet assigned, coordinated or disposed).",
        "route_mark": "r",
    },
    same=frozenset({"minute", "route_mark"}),
)

_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

_STATUS_SLUG = {status: status.value.lower().replace(" ", "-") for status in ReportStatus}


def status_class(status: ReportStatus) -> str:
    """The style name of a status ("status-menunggu", "status-tl-ditolak", ...): widgets turn it
    into a component class or a CSS class, and keep the colours in their DEFAULT_CSS."""
    return "status-" + _STATUS_SLUG[status]


def format_wib(moment: datetime) -> str:
    """ "28 Nov 2026 14:05", in WIB. A time with no WIB form (hours from the end of year 9999;
    the client's models refuse those, a widget is not to rely on it) shows as it came, in ISO."""
    try:
        local = moment.astimezone(WIB)
    except (OverflowError, ValueError):
        return moment.isoformat(timespec="minutes")
    month = _MONTHS[language()][local.month - 1]
    return f"{local.day} {month} {local.year} {local.hour:02d}:{local.minute:02d}"


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def compact_span(seconds: int) -> str:
    """A duration in its largest whole unit: "45m", "3j", "2h" (Indonesian: jam, hari)."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < _HOUR:
        return f"{sign}{seconds // 60}{TEXTS('minute')}"
    if seconds < _DAY:
        return f"{sign}{seconds // _HOUR}{TEXTS('hour')}"
    return f"{sign}{seconds // _DAY}{TEXTS('day')}"


def long_span(seconds: int) -> str:
    """A positive duration in at most two units: "6 hari 3 jam", "40 menit"."""
    days, rest = divmod(abs(seconds), _DAY)
    hours, rest = divmod(rest, _HOUR)
    if days:
        return TEXTS("days", n=days) + (" " + TEXTS("hours", n=hours) if hours else "")
    if hours:
        return TEXTS("hours", n=hours)
    return TEXTS("minutes", n=rest // 60)


def units_legend() -> str:
    """What the list's Age and Left columns count in, for the help screen."""
    return TEXTS("legend")


def format_age(created_at: datetime, now: datetime) -> str:
    """How long ago a report arrived, compact; never negative (clock skew shows as 0m)."""
    return compact_span(max(0, _seconds(now - created_at)))


def format_time_left(due_at: datetime, now: datetime) -> str:
    """Time to the deadline, compact; negative once overdue ("-2h")."""
    return compact_span(_seconds(due_at - now))


def describe_time_left(due_at: datetime, now: datetime) -> str:
    """Time to the deadline in words, for the detail pane."""
    seconds = _seconds(due_at - now)
    if seconds < 0:
        return TEXTS("overdue", span=long_span(seconds))
    if seconds < 60:
        return TEXTS("due_now")
    return TEXTS("left", span=long_span(seconds))


def routing_due(summary: ReportSummary) -> datetime | None:
    """The 6-hour route-by deadline while it is the one running: a Menunggu report that no
    assign, coordinate or dispose has reached yet (None from a server that does not say)."""
    routing = summary.status is ReportStatus.MENUNGGU and summary.routed_at is None
    return summary.coordination_due_at if routing else None


def format_left(summary: ReportSummary, now: datetime) -> tuple[str, bool]:
    """The list's Left cell of an open report and whether it is red: to the route-by deadline
    (marked) while that one runs, else to the 7-day one; red past either, or from day six."""
    route_by = routing_due(summary)
    late = is_late(summary.created_at, summary.due_at, now, summary.status)
    if route_by is None:
        return format_time_left(summary.due_at, now), late
    return TEXTS("route_mark") + format_time_left(route_by, now), late or now > route_by


def is_late(created_at: datetime, due_at: datetime, now: datetime, status: ReportStatus) -> bool:
    """Red in the list: an open report from its sixth day on, or past its deadline."""
    return status.is_open and (now - created_at >= RED_FROM or now > due_at)
