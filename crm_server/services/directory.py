"""Reference data held in memory: agencies, places and categories change only by migration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from crm_server.reference import boundaries
from crm_server.reference.agency_tree import suku_dinas_code
from crm_server.storage.engine import Database
from crm_server.storage.schema import agencies, categories


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    kind: str
    parent_code: str | None
    path: str


@dataclass(frozen=True)
class PlaceNames:
    kelurahan: str
    kecamatan: str
    city: str


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    name: str
    dinas_code: str | None


_STRIP = {"kelurahan": "Kelurahan ", "kecamatan": "Kecamatan "}
# How an Indonesian address names its kelurahan: "..., Kel. Cideng, Kec. Gambir". Only after this
# marker: street names borrow kelurahan names ("Jl. Kramat Raya" is not in Kelurahan Kramat).
_KELURAHAN_MARK = re.compile(r"\b(?:kel\.|kelurahan\b)\s*", re.IGNORECASE)


class Directory:
    def __init__(self, db: Database, *, boundaries_file: Path | None = None) -> None:
        with db.read() as conn:
            agency_rows = conn.execute(select(agencies).order_by(agencies.c.path)).all()
            category_rows = conn.execute(select(categories).order_by(categories.c.name)).all()
        self.agencies = {r.code: AgencyInfo(r.code, r.name, r.kind, r.parent_code, r.path) for r in agency_rows}
        self.categories = {r.code: CategoryInfo(r.code, r.name, r.dinas_code) for r in category_rows}
        self.places = {
            code: self._place(agency) for code, agency in self.agencies.items() if agency.kind == "kelurahan"
        }
        # The city's kelurahan polygons, when it supplies them (raises BoundaryFileError).
        self.boundaries = boundaries.load(boundaries_file, self._kelurahan_code) if boundaries_file else None

    def _place(self, kelurahan: AgencyInfo) -> PlaceNames:
        kecamatan = self.agencies[kelurahan.parent_code or ""]
        city = self.agencies[kecamatan.parent_code or ""]
        return PlaceNames(
            kelurahan.name.removeprefix(_STRIP["kelurahan"]),
            kecamatan.name.removeprefix(_STRIP["kecamatan"]),
            city.name.removeprefix("Kota Administrasi ").removeprefix("Kabupaten Administrasi "),
        )

    def _kelurahan_code(self, code_or_name: str) -> str | None:
        if code_or_name in self.places:
            return code_or_name
        name = code_or_name.casefold().removeprefix("kelurahan ").strip()
        return next((code for code, place in self.places.items() if place.kelurahan.casefold() == name), None)

    def kelurahan_at(self, lat: float, lon: float) -> str | None:
        """The kelurahan a point lies in, by the city's boundaries; None without them or outside."""
        return self.boundaries.kelurahan_at(lat, lon) if self.boundaries else None

    def kelurahan_named_in(self, address: str) -> str | None:
        """The code of the kelurahan an address names after "Kel." or "Kelurahan" (the longest
        name that fits, so "Kel. Menteng Dalam" is not Menteng), or None."""
        found: list[tuple[int, str]] = []
        for mark in _KELURAHAN_MARK.finditer(address):
            rest = address[mark.end() :].casefold()
            for code, place in self.places.items():
                name = place.kelurahan.casefold()
                if rest.startswith(name) and not rest[len(name) : len(name) + 1].isalnum():
                    found.append((len(name), code))
        return max(found)[1] if found else None

    def agency_for(self, category_code: str, kelurahan_code: str) -> AgencyInfo:
        """The responsible agency: the category's Suku Dinas in the report's city (or its Dinas,
        when it has none), else the kelurahan where the problem is."""
        dinas_code = self.categories[category_code].dinas_code
        if dinas_code is None:
            return self.agencies[kelurahan_code]
        city_code = self.agencies[self.agencies[kelurahan_code].parent_code or ""].parent_code
        return self.agencies.get(suku_dinas_code(dinas_code, city_code or "")) or self.agencies[dinas_code]
