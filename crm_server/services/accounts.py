"""Operators, sign-in and bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, func, select, update

from crm_server.clock import now
from crm_server.errors import Unauthorized
from crm_server.roles import Role
from crm_server.security import DUMMY_HASH, hash_password, new_token, token_digest, verify_password
from crm_server.services import audit, login_throttle, password_rule
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
    refused = password_rule.why_refused(password, username)
    if refused:
        raise AccountError(refused)
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


# --- administration (crm-server operator ...): each change ends the operator's tokens where it
# must, and with them their open event streams (api/open_streams.py sweeps for that).


@dataclass(frozen=True)
class OperatorRow:
    username: str
    display_name: str
    role: str
    agency_code: str
    active: bool
    tokens: int  # signed-in sessions not yet expired


def list_operators(db: Database) -> list[OperatorRow]:
    live = (
        select(func.count())
        .where(tokens.c.operator_id == operators.c.id, tokens.c.expires_at > now())
        .scalar_subquery()
    )
    with db.read() as conn:
        rows = conn.execute(
            select(
                operators.c.username,
                operators.c.display_name,
                operators.c.role,
                operators.c.agency_code,
                operators.c.active,
                live,
            ).order_by(operators.c.username)
        ).all()
    return [OperatorRow(r[0], r[1], r[2], r[3], bool(r[4]), int(r[5])) for r in rows]


def _operator_id(conn: Connection, username: str) -> int:
    found = conn.scalar(select(operators.c.id).where(operators.c.username == username))
    if found is None:
        raise AccountError("no operator has that username")
    return int(found)


def _end_sessions(conn: Connection, operator_id: int) -> int:
    return conn.execute(delete(tokens).where(tokens.c.operator_id == operator_id)).rowcount or 0


def set_password(db: Database, username: str, password: str) -> int:
    """A new password; every session of the operator ends. Returns how many did."""
    refused = password_rule.why_refused(password, username)
    if refused:
        raise AccountError(refused)
    hashed = hash_password(password)
    with db.write() as conn:
        operator_id = _operator_id(conn, username)
        conn.execute(update(operators).where(operators.c.id == operator_id).values(password_hash=hashed))
        ended = _end_sessions(conn, operator_id)
        audit.record(conn, username, "password_set", "ok")
    return ended


def set_active(db: Database, username: str, active: bool) -> int:
    """Enables or disables an operator; disabling ends every session. Returns how many did."""
    with db.write() as conn:
        operator_id = _operator_id(conn, username)
        conn.execute(update(operators).where(operators.c.id == operator_id).values(active=active))
        ended = 0 if active else _end_sessions(conn, operator_id)
        audit.record(conn, username, "enabled" if active else "disabled", "ok")
    return ended


def revoke(db: Database, username: str) -> int:
    """Ends every session of the operator (the password stays). Returns how many."""
    with db.write() as conn:
        ended = _end_sessions(conn, _operator_id(conn, username))
        audit.record(conn, username, "revoked", f"{ended}_sessions")
    return ended
