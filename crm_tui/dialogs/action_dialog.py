"""`ActionDialog`: the base of dialogs that perform one server action (assign, close, note).

The dialog knows no HTTP: the screen hands it `submit(payload) -> result` (wrapping the API
client, with one idempotency key per distinct payload: `one_key_per_payload`).

- Confirm runs `submit` in a worker that is never exclusive; while it runs the form is
  disabled and confirm and cancel do nothing, so no key press can cancel a write in flight.
- Success: dismissed with the result; the draft is cleared (`keep_draft({})`).
- Connection failure, timeout, 5xx: stays open with the input, says so; confirm retries.
- 412: says who changed the report and when, calls `on_conflict(error)` (the screen reloads the
  report; awaited if it returns an awaitable), keeps the input.
- Any other API error: its safe message, inline.
- Cancel, unmount, or a screen pushed on top (the idle lock): `keep_draft(current input)`.

Every message is sanitised (`widgets.safe_text`) and drawn as `Content`, never as markup.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from api_client.errors import (
    APIConnectionError,
    APITimeoutError,
    CrmApiError,
    PreconditionFailed,
    ServerError,
)
from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints, Label, keys_for
from widgets.i18n import Texts
from widgets.safe_text import line

P = TypeVar("P")  # what the dialog submits (a username, a close request, a note's text)
R = TypeVar("R")  # what the server action gives back (a Report, a Note)

Submit = Callable[[P], Awaitable[R]]
DraftKeeper = Callable[[Mapping[str, Any]], None]
ConflictHandler = Callable[[PreconditionFailed], Awaitable[object] | object]

RETRYABLE = (APIConnectionError, ServerError)  # APITimeoutError is an APIConnectionError
MAX_MESSAGE_CHARS = 300

TEXTS = Texts(
    id={
        "busy": "Menyimpan\u2026",
        "offline": "Server CRM tidak dapat dihubungi.",
        "timeout": "Server CRM tidak menjawab tepat waktu.",
        "server_error": "Server CRM gagal memproses permintaan.",
        "retry": "{message} Isian Anda tetap tersimpan; tekan {keys} untuk mencoba lagi.",
        "conflict": "{number} telah diubah oleh {who} pada {when}.",
        "conflict_no_time": "{number} telah diubah oleh {who}.",
        "conflict_tail": " Laporan dimuat ulang; isian Anda tetap ada. Periksa lalu konfirmasi lagi.",
        "conflict_reload": " Muat ulang laporan; isian Anda tetap ada.",
        "someone": "operator lain",
        "cancel": "batal",
        "confirm_again": "konfirmasi",
    },
    en={
        "busy": "Saving\u2026",
        "offline": "Cannot reach the CRM server.",
        "timeout": "The CRM server did not answer in time.",
        "server_error": "The CRM server failed to process the request.",
        "retry": "{message} Your input is kept; press {keys} to try again.",
        "conflict": "{number} was changed by {who} at {when}.",
        "conflict_no_time": "{number} was changed by {who}.",
        "conflict_tail": " The report was reloaded; your input is kept. Check it and confirm again.",
        "conflict_reload": " Reload the report; your input is kept.",
        "someone": "another operator",
        "cancel": "cancel",
        "confirm_again": "confirm",
    },
)


def one_key_per_payload(call: Callable[[P, str], Awaitable[R]]) -> Callable[[P], Awaitable[R]]:
    """`submit` for a dialog from `call(payload, idempotency_key)`: the same payload always goes
    with the same key (a retry after a lost answer is applied once), another payload gets a new
    one. Payloads must be hashable (a username, a `ClosePayload`, a note's text)."""
    keys: dict[Any, str] = {}

    async def submit(payload: P) -> R:
        key = keys.setdefault(payload, str(uuid.uuid4()))
        return await call(payload, key)

    return submit


def failure_key(error: CrmApiError) -> str:
    """The texts key for a failure worth retrying (fixed, translated texts)."""
    if isinstance(error, APITimeoutError):
        return "timeout"
    return "offline" if isinstance(error, APIConnectionError) else "server_error"


class ActionDialog(DialogScreen[R | None], Generic[P, R]):
    """A modal form whose confirmation performs one server action. Subclasses provide
    `dialog_title`, `compose_body`, `current_draft`, `restore_draft` and `build_payload`."""

    BINDINGS = [Binding("ctrl+s", "confirm", "confirm", show=False, id="dialog.confirm")]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Perform the action (again, after a failure). |
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
    """

    busy: reactive[bool] = reactive(False, init=False)
    """True while `submit` runs: confirm and cancel are ignored, the form is disabled."""

    def __init__(
        self,
        report_number: str,
        submit: Submit[P, R],
        *,
        draft: Mapping[str, Any] | None = None,
        keep_draft: DraftKeeper | None = None,
        on_conflict: ConflictHandler | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.report_number = report_number
        self._submit = submit
        self._initial_draft: dict[str, Any] = dict(draft or {})
        self._keep_draft = keep_draft
        self._on_conflict = on_conflict
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
    def number_text(self) -> str:
        return line(self.report_number, max_chars=40)

    # --- messages -------------------------------------------------------------------------------

    def _conflict_text(self, error: PreconditionFailed) -> str:
        who = line(error.changed_by, max_chars=80) if error.changed_by else TEXTS("someone")
        if error.changed_at is not None:
            when = error.changed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            head = TEXTS("conflict", number=self.number_text, who=who, when=when)
        else:
            head = TEXTS("conflict_no_time", number=self.number_text, who=who)
        return head + TEXTS("conflict_tail" if self._on_conflict is not None else "conflict_reload")

    # --- state ----------------------------------------------------------------------------------

    def watch_busy(self, busy: bool) -> None:
        body = self.query_one("#dialog-body")
        if busy:
            self._refocus = self.focused
            body.disabled = True
            self.show_message(TEXTS("busy"), kind="busy")
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

    def on_prune(self) -> None:
        # Removed without a result (the app exits, the screen closes it): its widgets are still
        # there now, unlike at Unmount.
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

    def submit_payload(self) -> bool:
        """Validate and start the action; False if busy, closed or the input is not valid."""
        if self.busy or self._settled:
            return False
        payload = self.build_payload()
        if payload is None:
            return False
        self.busy = True
        self._perform(payload)
        return True

    @work(group="dialog-action", exclusive=False)
    async def _perform(self, payload: P) -> None:
        try:
            result = await self._submit(payload)
        except PreconditionFailed as error:
            self.show_message(self._conflict_text(error))
            await self._call_on_conflict(error)
            self.busy = False
            self.after_failure(error)
        except RETRYABLE as error:
            self.busy = False
            message = TEXTS(failure_key(error))
            self.show_message(TEXTS("retry", message=message, keys=self.retry_keys()))
            self.after_failure(error)
        except CrmApiError as error:
            self.busy = False
            self.show_message(line(error.message, max_chars=MAX_MESSAGE_CHARS))
            self.after_failure(error)
        else:
            self._succeeded(result)

    async def _call_on_conflict(self, error: PreconditionFailed) -> None:
        if self._on_conflict is None:
            return
        try:
            outcome = self._on_conflict(error)
            if inspect.isawaitable(outcome):
                await outcome
        except CrmApiError as reload_error:  # the reload failed too: say so, keep the input
            also = line(reload_error.message, max_chars=MAX_MESSAGE_CHARS)
            self.show_message(self.message_text + " " + also)

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
