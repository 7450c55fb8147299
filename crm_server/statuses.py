"""The Jakarta CRM workflow: status names, their order, and which moves are allowed."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """Stored as the integer (its workflow order), served as the exact Jakarta name."""

    MENUNGGU = 1
    KOORDINASI = 2
    DISPOSISI = 3
    PROSES = 4
    MENUNGGU_VALIDASI = 5
    TL_DITOLAK = 6
    SELESAI = 7

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> Status:
        return _BY_LABEL[label]

    @property
    def is_open(self) -> bool:
        return self is not Status.SELESAI


_LABELS = {
    Status.MENUNGGU: "Menunggu",
    Status.KOORDINASI: "Koordinasi",
    Status.DISPOSISI: "Disposisi",
    Status.PROSES: "Proses",
    Status.MENUNGGU_VALIDASI: "Menunggu Validasi",
    Status.TL_DITOLAK: "TL Ditolak",
    Status.SELESAI: "Selesai",
}
_BY_LABEL = {label: status for status, label in _LABELS.items()}

STATUS_LABELS: tuple[str, ...] = tuple(_LABELS.values())

# Assigning an officer starts the follow-up; a report already in Proses may be reassigned.
ASSIGNABLE = frozenset({Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI, Status.PROSES, Status.TL_DITOLAK})


class Resolution:
    """How a report was closed (the fixed set the close endpoint accepts)."""

    SELESAI = "selesai"
    BUKAN_WEWENANG = "bukan wewenang"
    DUPLIKAT = "duplikat"
    TIDAK_VALID = "tidak valid"

    ALL: tuple[str, ...] = (SELESAI, BUKAN_WEWENANG, DUPLIKAT, TIDAK_VALID)
