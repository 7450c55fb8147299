"""The `:` command line's language, parsed without side effects.

    :JK2503050007   jump to that report (the `JK` may be typed in lower case)
    :q, :quit       quit
    :r, :refresh    reload the list
    :help, :h, :?   the help screen
    :view NAME      switch the list to a saved view (:view alone: the views to choose from)
    :dashboard      the dashboard of the operator's scope (also :dasbor)
    :export PATH    write the list, as filtered and sorted, to a new CSV file (:export! replaces one)

Anything else gives a `CommandError` whose message is safe to show: the text echoed in it is
sanitised, and it is plain text (draw it as Content, never as markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from widgets.i18n import Texts
from widgets.safe_text import line

REPORT_NUMBER = re.compile(r"JK[0-9]{10,11}")
MAX_ECHO_CHARS = 40

TEXTS = Texts(
    id={
        "empty": "Perintah kosong.",
        "unknown": "Perintah tidak dikenal: {command}. Coba :JK2503050007, :view, :dasbor, :r, :help atau :q.",
        "bad_number": "Bukan nomor laporan: {command}. Nomor laporan: JK diikuti 10\u201311 angka.",
        "export_path": "Ekspor ke mana? Contoh: :export laporan.csv",
    },
    en={
        "empty": "Empty command.",
        "unknown": "Unknown command: {command}. Try :JK2503050007, :view, :dashboard, :r, :help or :q.",
        "bad_number": "Not a report number: {command}. A report number is JK and 10\u201311 digits.",
        "export_path": "Export to which file? For example: :export reports.csv",
    },
)


@dataclass(frozen=True)
class Jump:
    number: str


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Refresh:
    pass


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Dashboard:
    pass


@dataclass(frozen=True)
class ShowView:
    name: str  # as typed (lower-cased); "" asks for the list of views


@dataclass(frozen=True)
class Export:
    path: str  # as typed
    overwrite: bool = False


@dataclass(frozen=True)
class CommandError:
    """What the screen should say; `message` is plain, sanitised text."""

    message: str


Command = Jump | Quit | Refresh | Help | Dashboard | ShowView | Export | CommandError

_WORDS: dict[str, Command] = {
    "q": Quit(),
    "quit": Quit(),
    "r": Refresh(),
    "refresh": Refresh(),
    "h": Help(),
    "help": Help(),
    "?": Help(),
    "dashboard": Dashboard(),
    "dasbor": Dashboard(),
}


def parse_command(text: str) -> Command:
    """`text` as typed after the `:` (a leading `:` is allowed too)."""
    command = text.strip().removeprefix(":").strip()
    if not command:
        return CommandError(TEXTS("empty"))
    word = command.casefold()
    if word in _WORDS:
        return _WORDS[word]
    verb, _, rest = word.partition(" ")
    if verb in ("view", "v"):
        return ShowView(rest.strip())
    if verb in ("export", "export!"):
        path = command.partition(" ")[2].strip()  # as typed: a path keeps its case
        return Export(path, overwrite=verb.endswith("!")) if path else CommandError(TEXTS("export_path"))
    upper = command.upper()
    if REPORT_NUMBER.fullmatch(upper):
        return Jump(upper)
    echo = line(command, max_chars=MAX_ECHO_CHARS)
    if upper.startswith("JK"):
        return CommandError(TEXTS("bad_number", command=echo))
    return CommandError(TEXTS("unknown", command=echo))
