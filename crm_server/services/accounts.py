"""Operators, sign-in and bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, delete, select

from crm_server.clock import now
from crm_server.errors import Unauthorized
from crm_server.roles import Role
from crm_server.security import DUMMY_HASH, hash_password, new_token, token_digest, verify_password
from crm_server.services import audit, login_throttle
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database
from crm_server.storage.schema import agencies, operators, tokens
from crm_server.usernames import USERNAME_RULE, is_valid_username
from crm_text.sanitize import clean_line

TOKEN_TTL_SECONDS = 12 * 3600  # one control-room shift


class AccountError(ValueError):
    """A bad username, role or agency given to the operator admin commands."""


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    who: Principal


def _principal_select() -> Select[Any]:
    return select(
        operators.c.id,
        operators.c.username,
        operators.c.display_name,
        operators.c.role,
        operators.c.agency_code,
        agencies.c.path,
    ).select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))


def _principal(row: Row[Any]) -> Principal:
    return Principal(row.id, row.username, row.display_name, Role(row.role), row.agency_code, row.path)


def login(db: Database, username: str, password: str, *, address: str | None = None) -> Session:
    """`address`: the client's, which the throttling counts failures by (login_throttle.py)."""
    address = address[:64] if address else None
    login_throttle.check(db, username[:64], address)
    with db.read() as conn:
        row = conn.execute(
            _principal_select()
            .add_columns(operators.c.password_hash)
            .where(operators.c.username == username, operators.c.active.is_(True))
        ).one_or_none()
    # The slow KDF runs outside any transaction, and for unknown names too (no timing oracle).
    ok = verify_password(password, row.password_hash if row else DUMMY_HASH)
    if row is None or not ok:
        login_throttle.failed(db, username[:64], address)
        raise Unauthorized("Wrong username or password.")
    token, at = new_token(), now()
    with db.write() as conn:
        conn.execute(delete(tokens).where(tokens.c.expires_at < at))
        conn.execute(
            tokens.insert().values(
                token_hash=token_digest(token), operator_id=row.id, created_at=at, expires_at=at + TOKEN_TTL_SECONDS
            )
        )
        audit.record(conn, row.username, "login", "ok", address=address)
    return Session(token, datetime.fromtimestamp(at + TOKEN_TTL_SECONDS, UTC), _principal(row))


def principal_for_token(db: Database, token: str) -> Principal:
    with db.read() as conn:
        row = conn.execute(
            _principal_select()
            .join(tokens, tokens.c.operator_id == operators.c.id)
            .where(
                tokens.c.token_hash == token_digest(token),
                tokens.c.expires_at > now(),
                operators.c.active.is_(True),
            )
        ).one_or_none()
    if row is None:
        raise Unauthorized()
    return _principal(row)


def valid_token_digests(db: Database, digests: set[str]) -> set[str]:
    """Of these token digests, those whose token still signs its operator in (not revoked, not
    expired, the operator not disabled)."""
    if not digests:
        return set()
    with db.read() as conn:
        return set(
            conn.scalars(
                select(tokens.c.token_hash)
                .join(operators, operators.c.id == tokens.c.operator_id)
                .where(
                    tokens.c.token_hash.in_(digests),
                    tokens.c.expires_at > now(),
                    operators.c.active.is_(True),
                )
            )
        )


def logout(db: Database, who: Principal, token: str) -> None:
    with db.write() as conn:
        conn.execute(delete(tokens).where(tokens.c.token_hash == token_digest(token)))
        audit.record(conn, who.username, "logout", "ok")


def add_operator(
    db: Database, *, username: str, role: str, agency_code: str, password: str, display_name: str | None = None
) -> None:
    if not is_valid_username(username):
        raise AccountError(USERNAME_RULE)
    try:
        Role(role)
    except ValueError:
        raise AccountError(f"unknown role (choose from: {', '.join(r.value for r in Role)})") from None
    if not password:
        raise AccountError("the password is empty")
    hashed = hash_password(password)
    with db.write() as conn:
        if conn.execute(select(agencies.c.code).where(agencies.c.code == agency_code)).first() is None:
            raise AccountError("unknown agency code (see GET /api/v1/agencies)")
        if conn.execute(select(operators.c.id).where(operators.c.username == username)).first() is not None:
            raise AccountError("that username exists already")
        conn.execute(
            operators.insert().values(
                username=username,
                display_name=clean_line(display_name or username) or username,
                role=role,
                agency_code=agency_code,
                password_hash=hashed,
                active=True,
                created_at=now(),
            )
        )
