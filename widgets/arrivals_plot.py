"""`ArrivalsPlot`: a scope's arrivals and closures per day, as two labelled sparklines.

Textual's own `Sparkline` scales each line between its own least and greatest day, so each
label says its total and its busiest day: the lines compare in shape, the labels in size.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from api_client.models import DayCount
from widgets.i18n import Texts

TEXTS = Texts(
    id={
        "arrivals": "Masuk",
        "closures": "Selesai",
        "sum": "{total} · maks {most}/hari",
        "span": "{first} – {last} (WIB)",
    },
    en={
        "arrivals": "Arrived",
        "closures": "Closed",
        "sum": "{total} · max {most}/day",
        "span": "{first} – {last} (WIB)",
    },
    same=frozenset({"span"}),
)


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 1.234: the thousands dot of both the city and the console


class ArrivalsPlot(Vertical):
    """Two rows: the day series of arrivals, then of closures, each with its label and sum."""

    DEFAULT_CSS = """
    ArrivalsPlot {
        height: auto;
    }
    ArrivalsPlot > Horizontal {
        height: 1;
    }
    ArrivalsPlot .arrivals-plot--label {
        width: 9;
    }
    ArrivalsPlot .arrivals-plot--sum {
        width: 24;
        padding-left: 1;
        color: $text-muted;
    }
    ArrivalsPlot Sparkline {
        width: 1fr;
        height: 1;
    }
    ArrivalsPlot #arrivals-line > .sparkline--max-color {
        color: $primary;
    }
    ArrivalsPlot #arrivals-line > .sparkline--min-color {
        color: $primary-muted;
    }
    ArrivalsPlot #closures-line > .sparkline--max-color {
        color: $success;
    }
    ArrivalsPlot #closures-line > .sparkline--min-color {
        color: $success-muted;
    }
    ArrivalsPlot #arrivals-span {
        color: $text-muted;
        padding-left: 9;
    }
    """

    def compose(self) -> ComposeResult:
        for kind in ("arrivals", "closures"):
            with Horizontal():
                yield Static(Content(TEXTS(kind)), classes="arrivals-plot--label", markup=False)
                yield Sparkline([], id=f"{kind}-line")
                yield Static("", id=f"{kind}-sum", classes="arrivals-plot--sum", markup=False)
        yield Static("", id="arrivals-span", markup=False)

    def show(self, days: Sequence[DayCount]) -> None:
        for kind in ("arrivals", "closures"):
            values = [getattr(day, kind) for day in days]
            self.query_one(f"#{kind}-line", Sparkline).data = values
            summary = TEXTS("sum", total=_number(sum(values)), most=_number(max(values, default=0)))
            self.query_one(f"#{kind}-sum", Static).update(Content(summary))
        if days:
            span = TEXTS("span", first=days[0].day.strftime("%d/%m"), last=days[-1].day.strftime("%d/%m"))
            self.query_one("#arrivals-span", Static).update(Content(span))
