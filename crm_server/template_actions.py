"""The actions a response template belongs to, without the storage layer (the CLI's parser
lists them before anything heavier is imported)."""

from __future__ import annotations

# A close's note, a follow-up's response (what the reporter reads), a validation's reason for
# rejecting a follow-up.
ACTIONS: tuple[str, ...] = ("close", "follow_up", "reject")
