"""What a failed call to the server says to the operator, in the UI's language.

The client's own messages (`CrmApiError.message`) are English and fit for a log; the console
shows these instead, chosen by the kind of failure. A server's message is never shown as it is:
it is in whatever language that backend speaks.
"""

from __future__ import annotations

from api_client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    Conflict,
    CrmApiError,
    Forbidden,
    InvalidArgument,
    NotFound,
    PhotoLocked,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    ResponseParseError,
    ServerError,
    Unauthorized,
    ValidationError,
)
from widgets.i18n import Texts

TEXTS = Texts(
    id={
        "timeout": "Server CRM tidak menjawab tepat waktu.",
        "unreachable": "Server CRM tidak dapat dihubungi.",
        "unauthorized": "Sesi berakhir: masuk lagi untuk melanjutkan.",
        "forbidden": "Peran Anda tidak boleh melakukan ini.",
        "not_found": "Tidak ditemukan, atau di luar wilayah Anda.",
        "conflict": "Status laporan tidak mengizinkan tindakan ini.",
        "changed": "Laporan telah berubah sejak dimuat.",
        "version_required": "Permintaan harus menyebut versi laporan.",
        "invalid": "Permintaan ditolak server CRM karena tidak valid.",
        "rate_limited": "Terlalu banyak permintaan: tunggu {seconds} detik lalu coba lagi.",
        "server_error": "Server CRM gagal memproses permintaan; coba lagi.",
        "refused": "Server CRM menolak permintaan (HTTP {status}).",
        "unreadable": "Jawaban server CRM tidak dapat dibaca.",
        "photo_locked": "Foto laporan ini dikunci.",
        "no_photo": "Laporan ini tidak punya foto.",
        "bad_value": "Nilai itu tidak dapat dikirim ke server CRM.",
        "failed": "Permintaan ke server CRM gagal.",
    },
    en={
        "timeout": "The CRM server did not answer in time.",
        "unreachable": "Cannot reach the CRM server.",
        "unauthorized": "Session ended: sign in again to carry on.",
        "forbidden": "Your role may not do this.",
        "not_found": "Not found, or outside your area.",
        "conflict": "The report's status does not allow this.",
        "changed": "The report changed since it was loaded.",
        "version_required": "The request must name the report's version.",
        "invalid": "The CRM server refused the request as not valid.",
        "rate_limited": "Too many requests: wait {seconds} s and try again.",
        "server_error": "The CRM server failed to process the request; try again.",
        "refused": "The CRM server refused the request (HTTP {status}).",
        "unreadable": "The CRM server sent an answer that cannot be read.",
        "photo_locked": "This report's photo is locked.",
        "no_photo": "This report has no photo.",
        "bad_value": "That value cannot be sent to the CRM server.",
        "failed": "The request to the CRM server failed.",
    },
)

# Most specific first: a subclass is looked up before its base.
_KEYS: tuple[tuple[type[CrmApiError], str], ...] = (
    (APITimeoutError, "timeout"),
    (APIConnectionError, "unreachable"),
    (Unauthorized, "unauthorized"),
    (Forbidden, "forbidden"),
    (NotFound, "not_found"),
    (Conflict, "conflict"),
    (PreconditionFailed, "changed"),
    (PreconditionRequired, "version_required"),
    (ValidationError, "invalid"),
    (ServerError, "server_error"),
    (ResponseParseError, "unreadable"),
    (InvalidArgument, "bad_value"),
)


def describe(error: CrmApiError) -> str:
    """The operator's words for `error` (plain text; nothing in it comes from the server)."""
    if isinstance(error, RateLimited):
        return TEXTS("rate_limited", seconds=int(error.retry_after or 30))
    if isinstance(error, PhotoLocked):
        return TEXTS("no_photo" if error.state == "none" else "photo_locked")
    for kind, key in _KEYS:
        if isinstance(error, kind):
            return TEXTS(key)
    if isinstance(error, APIStatusError):
        return TEXTS("refused", status=error.status_code)
    return TEXTS("failed")


def is_unreachable(error: CrmApiError) -> bool:
    """The server could not be reached or did not answer: nothing is known of the report."""
    return isinstance(error, APIConnectionError)
