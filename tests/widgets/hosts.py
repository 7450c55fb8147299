"""Tiny apps that host one widget each, and record what it posts."""

from __future__ import annotations

from datetime import datetime

from textual.app import App, ComposeResult
from textual.message import Message

from tests.widgets.fixtures import NOW
from widgets.photo_panel import PhotoPanel
from widgets.photo_renderers import PhotoRenderer
from widgets.report_detail import ReportDetail
from widgets.report_table import ReportTable, RowSource


class Host(App):
    """Records messages and any action run (a markup action link in data would show up here)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []
        self.actions_run: list[str] = []

    def action_quit(self) -> None:  # a live "[@click=app.quit]" would call this
        self.actions_run.append("quit")

    def action_bell(self) -> None:
        self.actions_run.append("bell")

    def of(self, kind: type[Message]) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


class TableHost(Host):
    def __init__(self, source: RowSource | None, *, now: datetime = NOW, lock_glyph: str | None = None) -> None:
        super().__init__()
        self.source = source
        self.now = now
        self.lock_glyph = lock_glyph

    def compose(self) -> ComposeResult:
        table = ReportTable(self.source, id="table")
        table.now = self.now
        if self.lock_glyph is not None:
            table.lock_glyph = self.lock_glyph
        yield table

    @property
    def table(self) -> ReportTable:
        return self.query_one(ReportTable)

    def on_report_table_highlighted(self, message: ReportTable.Highlighted) -> None:
        self.messages.append(message)

    def on_report_table_selected(self, message: ReportTable.Selected) -> None:
        self.messages.append(message)

    def on_report_table_rows_needed(self, message: ReportTable.RowsNeeded) -> None:
        self.messages.append(message)


class DetailHost(Host):
    CSS = "ReportDetail { height: 1fr; }"

    def compose(self) -> ComposeResult:
        detail = ReportDetail(id="detail")
        detail.now = NOW
        yield detail

    @property
    def detail(self) -> ReportDetail:
        return self.query_one(ReportDetail)

    def on_report_detail_photo_needed(self, message: ReportDetail.PhotoNeeded) -> None:
        self.messages.append(message)


class PhotoHost(Host):
    def __init__(self, renderer: PhotoRenderer | None = None) -> None:
        super().__init__()
        self.renderer = renderer

    def compose(self) -> ComposeResult:
        yield PhotoPanel(id="photo", renderer=self.renderer)

    @property
    def photo(self) -> PhotoPanel:
        return self.query_one(PhotoPanel)
