"""Response templates: what an operator may start a close note, a follow-up response or a
validation rejection from. Administered by `crm-server template`, read by every signed-in
operator (`GET /templates`); the texts are the city's, not any reporter's."""

from __future__ import annotations

import time

from sqlalchemy import Connection, delete, select

from crm_server import schemas
from crm_server.storage.engine import Database
from crm_server.storage.schema import categories, response_templates
from crm_server.template_actions import ACTIONS
from crm_text.sanitize import clean_line, clean_text

MAX_TITLE_CHARS = 120
MAX_TEXT_CHARS = 2_000  # the console's note bound: a template fits the field it fills


class TemplateError(ValueError):
    """A template the admin commands refuse, with why."""


def add_template(
    db: Database, *, action: str, title: str, text: str, category_codes: list[str] | tuple[str, ...] = ()
) -> int:
    """Adds a template; returns its id. Title and text are sanitised as any stored text is."""
    if action not in ACTIONS:
        raise TemplateError(f"unknown action (choose from: {', '.join(ACTIONS)})")
    title = clean_line(title, max_chars=MAX_TITLE_CHARS)
    text = clean_text(text, max_chars=MAX_TEXT_CHARS).strip()
    if not title or not text:
        raise TemplateError("a template needs a title and a text")
    codes = sorted(set(category_codes))
    with db.write() as conn:
        known = set(conn.scalars(select(categories.c.code).where(categories.c.code.in_(codes)))) if codes else set()
        if unknown := [code for code in codes if code not in known]:
            raise TemplateError(f"unknown category code {unknown[0]!r} (see GET /api/v1/categories)")
        taken = select(response_templates.c.id).where(
            response_templates.c.action == action, response_templates.c.title == title
        )
        if conn.execute(taken).first() is not None:
            raise TemplateError("that action has a template with that title already")
        inserted = conn.execute(
            response_templates.insert().values(
                action=action, title=title, text=text, categories=" ".join(codes), created_at=int(time.time())
            )
        )
        return int(inserted.inserted_primary_key[0])  # type: ignore[index]


def remove_template(db: Database, template_id: int) -> None:
    with db.write() as conn:
        if conn.execute(delete(response_templates).where(response_templates.c.id == template_id)).rowcount == 0:
            raise TemplateError("no template has that id (see `crm-server template list`)")


def list_templates(
    conn: Connection, *, action: str | None = None, category: str | None = None
) -> list[schemas.ResponseTemplate]:
    """The templates of `action` (else all), by action and title; with `category`, those for that
    category and those for every category. A few dozen rows: filtered here, not in SQL."""
    query = select(response_templates).order_by(response_templates.c.action, response_templates.c.title)
    if action is not None:
        query = query.where(response_templates.c.action == action)
    found = []
    for row in conn.execute(query):
        codes = tuple(row.categories.split())
        if category is None or not codes or category in codes:
            found.append(
                schemas.ResponseTemplate(
                    id=row.id, action=row.action, title=row.title, text=row.text, categories=list(codes)
                )
            )
    return found
