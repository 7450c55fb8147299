"""Opening the database a command names (`--db` or CRM_SERVER_DB), with one clear line for every
way that can fail and a URL's password never shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from crm_server.cli.errors import CliError

if TYPE_CHECKING:
    from crm_server.storage.engine import Database

DB_ENV = "CRM_SERVER_DB"  # the database, for URLs with a password that should not be on a command line


def shown(path: str) -> str:
    """`--db` as printed: a URL's password replaced by ***."""
    if "://" not in path:
        return path
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(path).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that does not parse)"


def _cannot_open(path: str, exc: Exception) -> CliError:
    """Why the database cannot be opened, by the kind of failure alone: a driver's message may
    quote the URL, password included."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if isinstance(exc, NoSuchModuleError):  # before ArgumentError, which it extends
        why = "unknown database or driver; use a file path, sqlite:/// or postgresql+psycopg://"
    elif isinstance(exc, ArgumentError):
        why = "not a database URL"
    elif isinstance(exc, ImportError):
        why = f"its driver {exc.name} is not installed" if exc.name else "its driver is not installed"
    else:  # a DBAPIError carries the driver's own exception, which names the failure better
        why = type(getattr(exc, "orig", None) or exc).__name__
    return CliError(f"--db {shown(path)}: cannot open the database ({why})")


@contextmanager
def open_db(path: str) -> Iterator[Database]:
    """The database at `path`, initialised (migrated), disposed of when the command is done with
    it: its connections closed, whether the command runs as a process or is called in one."""
    from sqlalchemy.exc import SQLAlchemyError

    from crm_server.storage.bootstrap import initialise
    from crm_server.storage.engine import Database

    if "://" not in path:
        target = Path(path)
        if target.is_dir():
            raise CliError(f"--db {path}: is a directory, not a database file")
        if not target.parent.exists():
            raise CliError(f"--db {path}: folder {target.parent} does not exist")
    try:
        db = Database.open(path)  # loads the URL's dialect and driver
    except (SQLAlchemyError, ImportError) as exc:
        raise _cannot_open(path, exc) from None
    try:
        try:
            initialise(db)
        except SQLAlchemyError as exc:
            raise _cannot_open(path, exc) from None
        yield db
    finally:
        db.dispose()
