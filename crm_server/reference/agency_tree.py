"""The agency (OPD) tree built from the Jakarta reference data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from crm_server.reference.jakarta import CITIES, DINAS

ROOT_CODE = "DKI"


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    kind: str  # provinsi | kota | kabupaten | kecamatan | kelurahan | dinas | suku_dinas
    parent_code: str | None
    path: str


def suku_dinas_code(dinas_code: str, city_code: str) -> str:
    return f"{dinas_code}.{city_code}"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


@cache
def agency_rows() -> tuple[AgencyRow, ...]:
    rows = [AgencyRow(ROOT_CODE, "Pemerintah Provinsi DKI Jakarta", "provinsi", None, f"{ROOT_CODE}/")]
    for city in CITIES:
        city_path = f"{ROOT_CODE}/{city.code}/"
        kind = "kabupaten" if city.name.startswith("Kabupaten") else "kota"
        rows.append(AgencyRow(city.code, city.name, kind, ROOT_CODE, city_path))
        for kec in city.kecamatan:
            kec_code = f"{city.code}.{_slug(kec.name)}"
            kec_path = f"{city_path}{kec_code}/"
            rows.append(AgencyRow(kec_code, f"Kecamatan {kec.name}", "kecamatan", city.code, kec_path))
            for kel in kec.kelurahan:
                kel_code = f"{kec_code}.{_slug(kel)}"
                rows.append(AgencyRow(kel_code, f"Kelurahan {kel}", "kelurahan", kec_code, f"{kec_path}{kel_code}/"))
    for dinas in DINAS:
        dinas_path = f"{ROOT_CODE}/{dinas.code}/"
        rows.append(AgencyRow(dinas.code, dinas.name, "dinas", ROOT_CODE, dinas_path))
        if dinas.has_suku_dinas:
            for city in CITIES:
                code = suku_dinas_code(dinas.code, city.code)
                rows.append(
                    AgencyRow(code, f"Suku {dinas.name} {city.short}", "suku_dinas", dinas.code, f"{dinas_path}{code}/")
                )
    return tuple(rows)
