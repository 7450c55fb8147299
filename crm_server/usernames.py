"""The operator username rule, the one rule for every place that takes a username: adding an
operator, signing in, assigning to an officer. ASCII only, so a username can never carry a
terminal control, a bidi override or an invisible character into a log, the audit trail or an
administrator's terminal, and the OpenAPI document can state the rule exactly (a pattern that
every regex engine reads alike)."""

from __future__ import annotations

import re

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
USERNAME_RULE = "usernames are 1-64 letters A-Z, digits, '.', '_', '@' or '-', starting with a letter or digit"

_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def is_valid_username(name: str) -> bool:
    return _USERNAME.fullmatch(name) is not None
