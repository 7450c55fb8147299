"""The tables. Times are UTC epoch seconds (integers sort and compare the same on every engine)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

agencies = Table(
    "agencies",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    # provinsi | kota | kabupaten | kecamatan | kelurahan | dinas | suku_dinas
    Column("kind", String(20), nullable=False),
    Column("parent_code", String(64), ForeignKey("agencies.code")),
    # Materialised path ("DKI/JP/JP.GAMBIR/"): a subtree is one index range.
    Column("path", String(300), nullable=False, unique=True),
)

categories = Table(
    "categories",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("dinas_code", String(64), ForeignKey("agencies.code")),
)

operators = Table(
    "operators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("agency_code", String(64), ForeignKey("agencies.code"), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Integer, nullable=False),
)
Index("ix_operators_agency", operators.c.agency_code, operators.c.role)

tokens = Table(
    "tokens",
    metadata,
    # Only the SHA-256 of a token is stored: a copy of the database logs nobody in.
    Column("token_hash", String(64), primary_key=True),
    Column("operator_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("created_at", Integer, nullable=False),
    Column("expires_at", Integer, nullable=False),
)

intake_keys = Table(
    "intake_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("created_at", Integer, nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("channel", String(40), nullable=False),
    Column("category_code", String(64), ForeignKey("categories.code"), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("kelurahan_code", String(64), ForeignKey("agencies.code"), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("created_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
    Column("due_at", Integer, nullable=False),
    Column("status", SmallInteger, nullable=False),  # statuses.Status
    Column("agency_code", String(64), ForeignKey("agencies.code"), nullable=False),
    Column("agency_path", String(300), nullable=False),  # copy of the agency's path, for scope
    Column("assignee_id", Integer, ForeignKey("operators.id")),
    Column("private", Boolean, nullable=False),
    Column("has_photo", Boolean, nullable=False, default=False),
    Column("resolution", String(40)),
    Column("duplicate_of", String(20)),
    Column("version", Integer, nullable=False, default=1),
)
# Every list sort is keyset-paginated on (key, id); each index serves one sort or filter.
Index("ix_reports_created", reports.c.created_at, reports.c.id)
Index("ix_reports_updated", reports.c.updated_at, reports.c.id)
Index("ix_reports_scope_created", reports.c.agency_path, reports.c.created_at, reports.c.id)
Index("ix_reports_status_created", reports.c.status, reports.c.created_at, reports.c.id)
Index("ix_reports_assignee_created", reports.c.assignee_id, reports.c.created_at, reports.c.id)
Index("ix_reports_category_created", reports.c.category_code, reports.c.created_at, reports.c.id)

# Reporter identity: written by intake, read by nothing that serves operators.
reporters = Table(
    "reporters",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), primary_key=True),
    Column("name", Text),
    Column("phone", Text),
    Column("email", Text),
    Column("nik", Text),
    Column("account", Text),
)

photos = Table(
    "photos",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), primary_key=True),
    Column("content_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # re-encoded: no EXIF, GPS or device data
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("at", Integer, nullable=False),
    Column("actor_id", Integer, ForeignKey("operators.id")),  # NULL: the intake channel
    # created | assigned | closed | noted
    Column("action", String(20), nullable=False),
    Column("from_status", SmallInteger),
    Column("to_status", SmallInteger),
    Column("detail", Text),  # what changed, in words an operator reads ("officer: budi")
    Column("note", Text),
)
Index("ix_history_report", history.c.report_id, history.c.id)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("author_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("at", Integer, nullable=False),
    Column("text", Text, nullable=False),
)
Index("ix_notes_report", notes.c.report_id, notes.c.id)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),  # monotonic: the SSE id
    Column("at", Integer, nullable=False),
    Column("type", String(20), nullable=False),  # created | assigned | closed | noted
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("agency_path", String(300), nullable=False),
    Column("assignee_id", Integer),
    Column("payload", Text, nullable=False),  # the report summary as JSON, no identity
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Integer, nullable=False),
    Column("operator", String(64)),  # username as given (a failed login may name nobody)
    # view | view_photo | assign | close | note | denied | login | login_failed | logout
    Column("action", String(20), nullable=False),
    Column("report_number", String(20)),
    Column("outcome", String(40), nullable=False),
)
Index("ix_audit_report", audit.c.report_number)
Index("ix_audit_operator", audit.c.operator)

idempotency = Table(
    "idempotency",
    metadata,
    Column("operator_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("created_at", Integer, nullable=False),
    UniqueConstraint("operator_id", "key"),
)

daily_sequence = Table(
    "daily_sequence",
    metadata,
    Column("day", String(6), primary_key=True),  # YYMMDD
    Column("last", Integer, nullable=False),
)
