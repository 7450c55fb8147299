"""The demo's response templates, in Indonesian, as an agency would word them."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from crm_server.services.templates import add_template
from crm_server.storage.engine import Database
from crm_server.storage.schema import categories, response_templates


class DemoTemplate(NamedTuple):
    action: str
    title: str
    text: str
    categories: tuple[str, ...] = ()


DEMO_TEMPLATES: tuple[DemoTemplate, ...] = (
    DemoTemplate(
        "close",
        "Bukan wewenang kelurahan",
        "Laporan {number} ({category}) bukan tupoksi Kelurahan {kelurahan}. "
        "Silakan sampaikan kepada instansi yang berwenang.",
    ),
    DemoTemplate(
        "close",
        "Duplikat laporan sebelumnya",
        "Laporan {number} sama dengan laporan yang sudah ada dan sedang ditindaklanjuti. "
        "Perkembangan dapat dipantau pada laporan aslinya.",
    ),
    DemoTemplate(
        "close",
        "Informasi tidak lengkap",
        "Laporan {number} tidak dapat ditindaklanjuti karena lokasi dan keterangan tidak lengkap. "
        "Mohon kirim laporan baru dengan alamat dan foto yang jelas.",
    ),
    DemoTemplate(
        "follow_up",
        "Jalan sudah diperbaiki",
        "Kerusakan jalan yang dilaporkan di Kelurahan {kelurahan} sudah diperbaiki oleh petugas. "
        "Terima kasih atas laporan Anda.",
        ("jalan-rusak", "jalan-berlubang"),
    ),
    DemoTemplate(
        "follow_up",
        "Sampah sudah diangkut",
        "Sampah di lokasi yang dilaporkan di Kelurahan {kelurahan} sudah diangkut dan lokasi sudah dibersihkan. "
        "Terima kasih atas laporan Anda.",
        ("sampah", "sampah-liar", "sampah-tidak-diangkut"),
    ),
    DemoTemplate(
        "follow_up",
        "Sudah ditindaklanjuti",
        "Laporan {number} ({category}) sudah ditindaklanjuti oleh petugas di lapangan. Terima kasih atas laporan Anda.",
    ),
    DemoTemplate(
        "reject",
        "Foto bukti tidak sesuai lokasi",
        "Foto bukti tidak menunjukkan lokasi yang dilaporkan. Mohon lampirkan foto di lokasi laporan {number}.",
    ),
    DemoTemplate(
        "reject",
        "Tanggapan belum menjawab laporan",
        "Tanggapan belum menjelaskan tindakan yang dilakukan atas laporan {category}. Mohon lengkapi tanggapannya.",
    ),
)


def seed_templates(db: Database) -> int:
    """Adds the demo templates that are missing (by action and title); returns how many. A
    category the database does not know is left out of a template, not refused."""
    with db.read() as conn:
        have = {
            (row.action, row.title)
            for row in conn.execute(select(response_templates.c.action, response_templates.c.title))
        }
        known = set(conn.scalars(select(categories.c.code)))
    added = 0
    for template in DEMO_TEMPLATES:
        if (template.action, template.title) in have:
            continue
        codes = [code for code in template.categories if code in known]
        if template.categories and not codes:
            continue  # a template for categories none of which exist would be offered for all
        add_template(db, action=template.action, title=template.title, text=template.text, category_codes=codes)
        added += 1
    return added
