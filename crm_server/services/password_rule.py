"""The password rule for operators: at least MIN_PASSWORD_CHARS characters, and not one of the
common passwords shipped with the server (crm_server/data/common-passwords.txt, compared
lowercased), nor the username itself. Length beats composition rules (NIST SP 800-63B)."""

from __future__ import annotations

from functools import cache
from importlib import resources

MIN_PASSWORD_CHARS = 12


@cache
def _common() -> frozenset[str]:
    text = resources.files("crm_server").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("# "))


def why_refused(password: str, username: str) -> str | None:
    """Why the password breaks the rule, in one line that never quotes it; None when it holds."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_PASSWORD_CHARS:
        return f"the password is too short: at least {MIN_PASSWORD_CHARS} characters"
    if password.lower() in _common() or password.lower() == username.lower():
        return "the password is too common (it is on the list of common passwords, or it is the username)"
    return None
