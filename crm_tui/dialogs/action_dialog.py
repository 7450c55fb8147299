"""`ActionDialog`: the base of dialogs that perform one server action (assign, close, note).

A dialog is bound to one report and one version: the `report` it opens with (the version the
operator is looking at). Its title, its confirmation and its request all name that report, and
the request's If-Match is that version. Nothing that happens while it is open (live events,
arrivals, cursor moves, reconnects, refreshes) changes what it acts on, except the operator.

The dialog knows no HTTP: the screen hands it `submit(report, payload) -> result` (wrapping the
API client, with one idempotency key per version and payload: `one_key_per_payload`).

- Confirm runs `submit` in a worker that is never exclusive; while it runs the form is
  disabled and confirm and cancel do nothing, so no key press can cancel a write in flight.
- Success: dismissed with the result; the draft is cleared (`keep_draft({})`).
- Connection failure, timeout, 5xx: stays open with the input, says so; confirm retries.
- 412 (the report changed since the dialog opened): the dialog fetches the newest version
  (`reload`) and shows who changed what (status, assignee, ...), keeping the input. The next
  confirm applies to that new version (unless `refusal` says the action no longer applies to it);
  nothing is sent again until the operator confirms. A live event about the report
  (`report_changed`) shows the same notice at once.
- Any other API error: its description in the UI's language, inline.
- Cancel, unmount, or a screen pushed on top (the idle lock): `keep_draft(current input)`.

Every message is sanitised (`widgets.safe_text`) and drawn as `Content`, never as markup.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.messages import Prune
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from api_client.errors import APIConnectionError, CrmApiError, PreconditionFailed, ServerError
from api_client.models import ReportSummary
from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints, Label, keys_for
from crm_tui.error_messages import describe
from crm_tui.report_changes import describe_changes
from widgets.i18n import Texts
from widgets.report_format import format_wib
from widgets.safe_text import line

P = TypeVar("P")  # what the dialog submits (a username, a close request, a note's text)
R = TypeVar("R")  # what the server action gives back (a Report, a Note)

Submit = Callable[[ReportSummary, P], Awaitable[R]]  # (the version acted on, payload) -> result
Reload = Callable[[str], Awaitable[ReportSummary]]  # report number -> its newest version
Refusal = Callable[[ReportSummary], str | None]  # why the action does not apply to a version
DraftKeeper = Callable[[Mapping[str, Any]], None]

RETRYABLE = (APIConnectionError, ServerError)  # APITimeoutError is an APIConnectionError
MAX_MESSAGE_CHARS = 300

TEXTS = Texts(
    id={
        "busy": "Menyimpan\u2026",
        "retry": "{message} Isian Anda tetap tersimpan; tekan {keys} untuk mencoba lagi.",
        "changed": "{number} telah diubah oleh {who} pada {when}",
        "changed_no_time": "{number} telah diubah oleh {who}",
        "what": ": {changes}.",
        "nothing_shown": ".",
        "apply": " Isian Anda tetap ada; tekan {keys} untuk menerapkannya pada versi baru, atau Esc.",
        "not_loaded": " Versi barunya belum dapat dimuat ({reason}); tekan {keys} untuk memuatnya.",
        "loading": "Memuat versi terbaru {number}\u2026",
        "someone": "operator lain",
        "cancel": "batal",
        "confirm_again": "konfirmasi",
    },
    en={
        "busy": "Saving\u2026",
        "retry": "{message} Your input is kept; press {keys} to try again.",
        "changed": "{number} was changed by {who} at {when}",
        "changed_no_time": "{number} was changed by {who}",
        "what": ": {changes}.",
        "nothing_shown": ".",
        "apply": " Your input is kept; press {keys} to apply it to the new version, or Esc.",
        "not_loaded": " Its new version could not be loaded yet ({reason}); press {keys} to load it.",
        "loading": "Loading the newest version of {number}\u2026",
        "someone": "another operator",
        "cancel": "cancel",
        "confirm_again": "confirm",
    },
    same=frozenset({"what", "nothing_shown"}),
)


def one_key_per_payload(call: Callable[[ReportSummary, P, str], Awaitable[R]]) -> Submit[P, R]:
    """`submit` for a dialog from `call(report, payload, idempotency_key)`: the same payload on
    the same version always goes with the same key (a retry after a lost answer is applied
    once); another payload or another version gets a new one. Payloads must be hashable."""
    keys: dict[tuple[str, int, Any], str] = {}

    async def submit(report: ReportSummary, payload: P) -> R:
        key = keys.setdefault((report.number, report.version, payload), str(uuid.uuid4()))
        return await call(report, payload, key)

    return submit


class ActionDialog(DialogScreen[R | None], Generic[P, R]):
    """A modal form whose confirmation performs one server action on one version of one report.
    Subclasses provide `dialog_title`, `compose_body`, `current_draft`, `restore_draft` and
    `build_payload`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "confirm", "confirm", show=False, id="dialog.confirm")]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Perform the action (again, after a failure; on the new version, after a change). |
    | escape | dialog.cancel | Close; what was typed is kept as a draft. |
    """

    DEFAULT_CSS = """
    ActionDialog #dialog-body {
        height: auto;
    }
    ActionDialog #dialog-message {
        margin-top: 1;
    }
    ActionDialog.-busy > #dialog-frame {
        border: round $secondary;
    }
    ActionDialog.-changed > #dialog-frame {
        border: round $warning;
    }
    """

    busy: reactive[bool] = reactive(False, init=False)
    """True while `submit` runs: confirm and cancel are ignored, the form is disabled."""

    def __init__(
        self,
        report: ReportSummary,
        submit: Submit[P, R],
        *,
        reload: Reload | None = None,
        refusal: Refusal | None = None,
        draft: Mapping[str, Any] | None = None,
        keep_draft: DraftKeeper | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.report = report
        """The version the action applies to: the one the dialog opened on, until the operator
        confirms a newer one."""
        self.offered: ReportSummary | None = None
        """A newer version someone else made, shown to the operator, not yet confirmed."""
        self._submit = submit
        self._reload = reload
        self._refusal = refusal
        self._initial_draft: dict[str, Any] = dict(draft or {})
        self._keep_draft = keep_draft
        self._unloaded_change: str | None = None  # "changed by" text whose new version is still to load
        self._settled = False  # dismissed (the draft is settled)
        self._waiting_result: list[R] = []  # a result that arrived while another screen was on top
        self._refocus: Widget | None = None

    # --- what subclasses provide ----------------------------------------------------------------

    def dialog_title(self) -> str:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def hint_labels(self) -> dict[str, Label]:
        """Actions listed in the key line, with their labels."""
        return {"confirm": TEXTS("confirm_again"), "cancel": TEXTS("cancel")}

    def current_draft(self) -> dict[str, Any]:
        """What the operator has typed and chosen, to restore later."""
        raise NotImplementedError

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def build_payload(self) -> P | None:
        """The payload for `submit`, or None after showing why the input is not valid."""
        raise NotImplementedError

    def retry_keys(self) -> str:
        """How the key that tries again is shown in the failure message."""
        return "/".join(keys_for(self, "confirm")) or "ctrl+s"

    def after_failure(self, error: CrmApiError) -> None:
        """Called when the action failed and the dialog stays open (the message is shown)."""

    def on_offered(self) -> None:
        """Called when a newer version is offered (the notice is shown)."""

    # --- composition ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(self.dialog_title()), id="dialog-title", markup=False)
            with Vertical(id="dialog-body"):
                yield from self.compose_body()
            yield Static(id="dialog-message", markup=False)
            yield KeyHints(self.hint_labels(), id="dialog-keys")

    def on_mount(self) -> None:
        if self._initial_draft:
            self.restore_draft(self._initial_draft)

    @property
    def report_number(self) -> str:
        return self.report.number

    @property
    def number_text(self) -> str:
        return line(self.report.number, max_chars=40)

    # --- a change by someone else -------------------------------------------------------------

    def report_changed(self, newer: ReportSummary, *, who: str | None, when: datetime | None) -> None:
        """Someone else changed the report (a live event): say who changed what, now. The
        action stays bound to the version it opened on until the operator confirms."""
        if self._settled or newer.number != self.report.number:
            return
        latest = self.offered or self.report
        if newer.version <= latest.version:
            return
        self._offer(newer, self._changed_head(who, when))

    def _changed_head(self, who: str | None, when: datetime | None) -> str:
        name = line(who, max_chars=80) if who else TEXTS("someone")
        if when is None:
            return TEXTS("changed_no_time", number=self.number_text, who=name)
        return TEXTS("changed", number=self.number_text, who=name, when=format_wib(when))

    def _offer(self, newer: ReportSummary, head: str) -> None:
        self.offered = newer
        self._unloaded_change = None
        changes = describe_changes(self.report, newer)
        text = head + (TEXTS("what", changes="; ".join(changes)) if changes else TEXTS("nothing_shown"))
        refusal = self._refusal(newer) if self._refusal is not None else None
        text += " " + refusal if refusal else TEXTS("apply", keys=self.retry_keys())
        self.show_message(text, kind="changed")
        self.add_class("-changed")
        self.on_offered()

    def _adopt_offered(self) -> bool:
        """The operator confirmed after seeing the change: act on the new version from now on.
        False (the notice stays) when the action does not apply to it."""
        offered = self.offered
        if offered is None:
            return True
        refusal = self._refusal(offered) if self._refusal is not None else None
        if refusal:
            if refusal not in self.message_text:
                self.show_message(refusal)
            return False
        self.report, self.offered = offered, None
        self.remove_class("-changed")
        self.clear_message()
        return True

    # --- state ----------------------------------------------------------------------------------

    def watch_busy(self, busy: bool) -> None:
        body = self.query_one("#dialog-body")
        if busy:
            self._refocus = self.focused
            body.disabled = True
        else:
            body.disabled = False
            if self._refocus is not None and self._refocus.is_attached:
                self._refocus.focus()
            self._refocus = None
        self.set_class(busy, "-busy")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy and action in ("confirm", "cancel"):
            return None  # shown greyed, does nothing
        return True

    def _save_draft(self) -> None:
        if self._keep_draft is not None and not self._settled:
            self._keep_draft(self.current_draft())

    def on_screen_suspend(self) -> None:
        # Another screen (the idle lock, a nested prompt) covers the dialog: keep the input safe.
        self._save_draft()

    def on_screen_resume(self) -> None:
        if self._waiting_result:
            self._dismiss_with(self._waiting_result.pop())

    async def on_prune(self, event: Prune) -> None:
        # Removed without a result (the app exits, the screen closes it): its widgets are still
        # there now, unlike at Unmount. (Textual's own handler runs too: it closes the loop.)
        self._save_draft()

    # --- actions --------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.busy or self._settled:
            return
        self._save_draft()
        self._settled = True
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.submit_payload()

    def ready_to_submit(self) -> bool:
        """Whether a confirm may go on to the payload: not busy or closed, no newer version left
        to load, and a newer version shown is adopted now (the confirm is the operator's yes)."""
        if self.busy or self._settled:
            return False
        if self._unloaded_change is not None:
            self.busy = True
            self._load_newer(self._unloaded_change)
            return False
        return self._adopt_offered()

    def submit_payload(self) -> bool:
        """Validate and start the action; False if busy, closed or the input is not valid."""
        if not self.ready_to_submit():
            return False
        payload = self.build_payload()
        if payload is None:
            return False
        self.busy = True
        self.show_message(TEXTS("busy"), kind="busy")
        self._perform(self.report, payload)
        return True

    @work(group="dialog-action", exclusive=False)
    async def _perform(self, report: ReportSummary, payload: P) -> None:
        try:
            result = await self._submit(report, payload)
        except PreconditionFailed as error:
            head = self._changed_head(error.changed_by, error.changed_at)
            await self._fetch_newer(head)
            self.busy = False
            self.after_failure(error)
        except RETRYABLE as error:
            self.busy = False
            self.show_message(TEXTS("retry", message=describe(error), keys=self.retry_keys()))
            self.after_failure(error)
        except CrmApiError as error:
            self.busy = False
            self.show_message(line(describe(error), max_chars=MAX_MESSAGE_CHARS))
            self.after_failure(error)
        else:
            self._succeeded(result)

    @work(group="dialog-action", exclusive=False)
    async def _load_newer(self, head: str) -> None:
        await self._fetch_newer(head)
        self.busy = False

    async def _fetch_newer(self, head: str) -> None:
        """The newest version after a 412, offered with who changed it and what changed."""
        if self._reload is None:
            self._unloaded_change = None
            self.show_message(head + TEXTS("nothing_shown"), kind="changed")
            return
        self.show_message(TEXTS("loading", number=self.number_text), kind="busy")
        try:
            newer = await self._reload(self.report.number)
        except CrmApiError as error:
            self._unloaded_change = head
            reason = describe(error)
            self.show_message(head + "." + TEXTS("not_loaded", reason=reason, keys=self.retry_keys()), kind="changed")
            return
        if newer.version <= self.report.version:  # nothing newer after all: try again as it is
            self._unloaded_change = None
            self.clear_message()
            return
        self._offer(newer, head)

    def _succeeded(self, result: R) -> None:
        if self._keep_draft is not None:
            self._keep_draft({})
        self._settled = True
        if self.is_active:
            self._dismiss_with(result)
        else:
            self._waiting_result.append(result)  # dismissing now would pop the screen on top

    def _dismiss_with(self, result: R) -> None:
        self.busy = False
        self.dismiss(result)
