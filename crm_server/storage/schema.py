"""The tables. Times are UTC epoch seconds (integers sort and compare the same on every engine)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
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
    literal_column,
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
    # The first routing action (assign, coordinate, dispose): the 6-hour coordination deadline.
    Column("routed_at", Integer),
    # 1 for Selesai: `sort=due` puts open reports first, read from one index.
    Column("closed", SmallInteger, Computed("CASE WHEN status = 7 THEN 1 ELSE 0 END", persisted=True)),
    # When it last became Selesai (NULL while open): the dashboard's closures and time to close.
    Column("closed_at", Integer),
)
# The list (services/report_reads.py). Every sort is keyset-paginated on (key, id), so each sort
# has an index ending in id. An index on (filter, created_at, id) reads one value of a filter in
# the default order. The list indexes also carry every other filter column after the key, so
# SQLite tests the filters on the index entry, reads a report only when it is on the page, and
# counts without reading reports at all.
_FILTERS = ("agency_code", "status", "category_code", "assignee_id", "due_at", "private")


def _list_index(name: str, *lead: str) -> Index:
    rest = [c for c in _FILTERS if c not in lead]
    return Index(name, *(reports.c[c] for c in (*lead, "created_at", "id", *rest)))


_list_index("ix_reports_created")
_list_index("ix_reports_status_created", "status")
_list_index("ix_reports_assignee_created", "assignee_id")
_list_index("ix_reports_category_created", "category_code")
# A dispatcher's scope is one agency, a supervisor's a few hundred at most: one filter within it
# is one short range, whatever the share of all reports the agency holds.
_list_index("ix_reports_agency_created", "agency_code")
_list_index("ix_reports_agency_status_created", "agency_code", "status")
_list_index("ix_reports_agency_assignee_created", "agency_code", "assignee_id")
_list_index("ix_reports_agency_category_created", "agency_code", "category_code")
Index("ix_reports_updated", reports.c.updated_at, reports.c.id)
Index("ix_reports_due", reports.c.closed, reports.c.due_at, reports.c.id)
# The dashboard (services/report_stats.py). Open reports only, in (agency, assignee) order: its
# figures are one pass over a short index, grouped as it is read, with every column they test.
OPEN_INDEX = Index(
    "ix_reports_open",
    reports.c.agency_code,
    reports.c.assignee_id,
    reports.c.status,
    reports.c.created_at,
    reports.c.due_at,
    sqlite_where=reports.c.status != literal_column("7"),
    postgresql_where=reports.c.status != literal_column("7"),
)
# The closures of the last 30 days: one range, every column grouped and measured by in the entry;
# for a scope of some agencies, one range per agency.
CLOSED_AT_INDEX = Index(
    "ix_reports_closed_at",
    reports.c.closed_at,
    reports.c.agency_code,
    reports.c.assignee_id,
    reports.c.created_at,
    reports.c.due_at,
)
AGENCY_CLOSED_AT_INDEX = Index(
    "ix_reports_agency_closed_at",
    reports.c.agency_code,
    reports.c.closed_at,
    reports.c.assignee_id,
    reports.c.created_at,
    reports.c.due_at,
)

# The dashboard's last 30 days, kept as reports change (storage/tallies.py): per Jakarta
# day and the (agency, assignee) holding a report now, the reports that arrived that day and those
# that closed that day, with each closure's time to close, so a window's figures read a few
# thousand rows, not every report that arrived or closed in it.
daily_tallies = Table(
    "daily_tallies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Integer, nullable=False),  # days since 1970-01-01 in Jakarta (WIB)
    Column("agency_code", String(64), nullable=False),
    Column("assignee_id", Integer),
    Column("arrivals", Integer, nullable=False),
    Column("closed_on_time", Integer, nullable=False),  # closed by the due date
    # Each closure's seconds from arrival to close, sorted: 32-bit little-endian integers.
    Column("close_seconds", LargeBinary, nullable=False),
)
TALLY_DAY_INDEX = Index(
    "ix_daily_tallies_day", daily_tallies.c.day, daily_tallies.c.agency_code, daily_tallies.c.assignee_id
)
TALLY_AGENCY_INDEX = Index("ix_daily_tallies_agency", daily_tallies.c.agency_code, daily_tallies.c.day)
# And the open reports each (agency, assignee) holds now, Menunggu among them: the dashboard reads
# the few hundred rows here, and of the reports only the last week's, the only ones that may not
# yet be red or overdue, or may have waited less than 6 hours.
open_tallies = Table(
    "open_tallies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_code", String(64), nullable=False),
    Column("assignee_id", Integer),
    Column("open", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),  # Menunggu
    Index("ix_open_tallies_holder", "agency_code", "assignee_id"),
)

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
    # created | assigned | coordinated | disposed | followed_up | accepted | rejected | reopened
    # | closed | noted
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
    Column("type", String(20), nullable=False),  # the history action of the change
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("agency_path", String(300), nullable=False),
    Column("assignee_id", Integer),
    Column("actor_id", Integer),  # the operator who made the change; NULL: the intake channel
    Column("payload", Text, nullable=False),  # the report summary as JSON, no identity
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Integer, nullable=False),
    Column("operator", String(64)),  # username as given (a failed login may name nobody)
    # view | view_photo | assign | close | note | denied | login | login_failed | logout | alert | ...
    Column("action", String(20), nullable=False),
    Column("report_number", String(20)),
    Column("outcome", String(40), nullable=False),
    Column("address", String(64)),  # the client's address, on sign-ins: throttling counts by it
)
Index("ix_audit_report", audit.c.report_number)
Index("ix_audit_operator", audit.c.operator)
# Sign-in throttling counts an address's recent failures (services/login_throttle.py).
Index("ix_audit_address", audit.c.address, audit.c.at)

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

# Idempotency-Key on the citizen channels, scoped to the intake key (its hash, as stored).
intake_idempotency = Table(
    "intake_idempotency",
    metadata,
    Column("intake_key_hash", String(64), ForeignKey("intake_keys.key_hash"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),  # the report's number
    Column("created_at", Integer, nullable=False),
    UniqueConstraint("intake_key_hash", "key"),
)

daily_sequence = Table(
    "daily_sequence",
    metadata,
    Column("day", String(6), primary_key=True),  # YYMMDD
    Column("last", Integer, nullable=False),
)


# Every coordination and disposition: where a report went from and to. The agencies a report
# left keep reading it (the "handed on" view), and act on it no more.
handoffs = Table(
    "handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("at", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # coordinate | dispose
    Column("from_agency_code", String(64), ForeignKey("agencies.code"), nullable=False),
    Column("from_agency_path", String(300), nullable=False),  # for a subtree's scope
    Column("to_agency_code", String(64), ForeignKey("agencies.code"), nullable=False),
    Column("actor_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("note", Text),
)
Index("ix_handoffs_from", handoffs.c.from_agency_code, handoffs.c.report_id)
Index("ix_handoffs_from_path", handoffs.c.from_agency_path, handoffs.c.report_id)
Index("ix_handoffs_report", handoffs.c.report_id, handoffs.c.id)

# One row per follow-up round (tindak lanjut) and, once validated, its decision.
follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("at", Integer, nullable=False),
    Column("officer_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("response", Text, nullable=False),  # public: what the reporter reads
    Column("note", Text),  # internal
    Column("decision", String(10)),  # NULL: awaiting validation; accept | reject
    Column("decided_at", Integer),
    Column("validator_id", Integer, ForeignKey("operators.id")),
    Column("reason", Text),
    UniqueConstraint("report_id", "round"),
)

# The officer's evidence photos, re-encoded (no metadata), with what validation checks them by.
evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("follow_up_id", Integer, ForeignKey("follow_ups.id"), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("phash", BigInteger, nullable=False),  # 64-bit perceptual hash, as a signed integer
    # The hash in four 16-bit bands: two photos within 11 bits of each other differ in at most
    # 2 bits of one band at least (pigeonhole), so a lookup reads the band values within 2 bits
    # of the new photo's (137 per band) from four indexes, not every photo.
    Column("band0", Integer, nullable=False),
    Column("band1", Integer, nullable=False),
    Column("band2", Integer, nullable=False),
    Column("band3", Integer, nullable=False),
    Column("captured_at", Integer),  # from EXIF before stripping; NULL: the photo did not say
    Column("uploaded_at", Integer, nullable=False),
    Column("similar_to", String(20)),  # the number of another report with near-identical evidence
)
Index("ix_evidence_report", evidence.c.report_id, evidence.c.id)
# Each band's index carries the hash and the report: a lookup reads indexes only, never a row
# (whose photo may be megabytes).
for _band in range(4):
    Index(f"ix_evidence_band{_band}", evidence.c[f"band{_band}"], evidence.c.phash, evidence.c.report_id)

# Response templates (FixMyStreet's): a title and a text an operator starts from, for one action,
# and for some categories only or (no categories) for all. The text may hold {number}, {category}
# and {kelurahan}, which the console fills for the report at hand.
response_templates = Table(
    "response_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(20), nullable=False),  # close | follow_up | reject (template_actions.py)
    Column("title", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("categories", Text, nullable=False, default=""),  # category codes, space-separated; "": all
    Column("created_at", Integer, nullable=False),
    UniqueConstraint("action", "title"),
)
