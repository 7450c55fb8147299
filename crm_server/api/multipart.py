"""`multipart/form-data` bodies, read with the standard library's MIME parser (the server has no
other multipart dependency). The body has already passed the size guard; what is refused here
is a body that is not multipart, a field of the wrong kind, or a field the route does not know."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from crm_server.errors import Unprocessable

MAX_PARTS = 16


@dataclass(frozen=True)
class Form:
    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[bytes]] = field(default_factory=dict)


def parse_form(
    content_type: str | None,
    body: bytes,
    *,
    texts: set[str] | frozenset[str],
    files: set[str] | frozenset[str],
    max_parts: int = MAX_PARTS,
) -> Form:
    """The fields named in `texts` (one value each, UTF-8) and `files` (any number of parts)."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise Unprocessable("Send the follow-up as multipart/form-data.")
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\nMIME-Version: 1.0\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise Unprocessable("The multipart body could not be read.")
    form = Form()
    for count, part in enumerate(message.iter_parts(), start=1):
        if count > max_parts:
            raise Unprocessable("Too many parts in the form.")
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            raise Unprocessable("The multipart body could not be read.")
        if name in files:
            form.files.setdefault(name, []).append(payload)
        elif name in texts and name not in form.texts:
            try:
                form.texts[name] = payload.decode("utf-8")
            except UnicodeDecodeError:
                raise Unprocessable("A form field is not UTF-8 text.") from None
        else:
            raise Unprocessable("The form has a field this request does not take, or one twice.")
    return form
