"""Settings: TOML in the platform config dir, overridden by the environment, overridden by flags."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from platformdirs import user_config_path, user_state_path

from crm_text.sanitize import clean_line
from crm_tui.photo_mode import PHOTO_SETTINGS
from crm_tui.views import View, ViewProblem, parse_default_views, parse_views
from widgets.i18n import LANGUAGES

APP_NAME = "crm-tui"
CONFIG_ENV = "CRM_TUI_CONFIG"  # points tests (and kiosks) at a config file of their own
DEFAULT_SERVER = "http://127.0.0.1:8080"
DEFAULT_IDLE_LOCK_MINUTES = 5.0


class ConfigError(ValueError):
    """A config file or value that cannot be used; the message names the setting, not secrets."""


@dataclass(frozen=True)
class Config:
    server: str = DEFAULT_SERVER
    lang: str = "id"
    theme: str = "textual-dark"
    # Binding id -> keys ("down,j"): remaps any key of the console (see the help screen for ids).
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    ca_bundle: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    # Minutes without a key or mouse event before the screen locks (0: never).
    idle_lock_minutes: float = DEFAULT_IDLE_LOCK_MINUTES
    # Copying to the clipboard while a private report is shown (its text would leave the console).
    copy_private: bool = False
    # `:export` writes private reports' titles too (else "[privasi]" in their place).
    export_private: bool = False
    # How photos are drawn: "auto", "kitty" (kitty graphics), "sixel" or "halfblock" (see photo_mode).
    photos: str = "auto"
    # Saved views of the report list ([views.NAME]) and the one each role starts on
    # ([default_view] role = "name"); see crm_tui/views.py.
    views: Mapping[str, View] = field(default_factory=lambda: MappingProxyType({}))
    default_view: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def log_dir(self) -> Path:
        return user_state_path(APP_NAME)


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else user_config_path(APP_NAME) / "config.toml"


def _lang_from_locale(environ: Mapping[str, str]) -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            return "id" if value.lower().startswith(("id", "in_")) else "en" if value[:2].isalpha() else None
    return None


# What each key of the file must hold, as an error message puts it ("server must be ...").
_FILE_EXPECTS = {
    "server": 'a string (a URL such as "https://crm.example")',
    "lang": 'a string ("id" or "en")',
    "theme": 'a string (a theme name such as "textual-dark")',
    "ca_bundle": "a string (the path of a CA bundle file)",
    "username": "a string",
    "idle_lock_minutes": "a number of minutes (0: never lock)",
    "copy_private": "true or false",
    "export_private": "true or false",
    "photos": "a string (" + ", ".join(f'"{setting}"' for setting in PHOTO_SETTINGS) + ")",
    "keymap": 'a table of binding ids and keys ([keymap] "main.assign" = "a,ctrl+a")',
}
_STRING_KEYS = frozenset({"server", "lang", "theme", "ca_bundle", "username", "photos"})
# "(at line 3, column 7)" or "(at end of document)": all of a TOML error that is repeated. The
# rest of tomllib's message can quote the file ("Cannot declare ('token',) twice"), and the
# file could hold a secret.
_TOML_POSITION = re.compile(r"\(at (line \d+, column \d+|end of document)\)$")
MAX_SHOWN_VALUE_CHARS = 80  # of a bad setting's value echoed in an error message
SERVER_EXAMPLE = "https://crm.example"


def _toml_kind(value: object) -> str:
    """What a TOML value is, in the words of an error message."""
    if isinstance(value, bool):
        return "a boolean"
    for kind, words in (
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (dict, "a table"),
        (list, "an array"),
        (datetime, "a date-time"),
        (date, "a date"),
        (time, "a time"),
    ):
        if isinstance(value, kind):
            return words
    return type(value).__name__


def _type_problem(key: str, value: object) -> str | None:
    """Why a known key of the file has the wrong type, or None."""
    if key == "keymap" and isinstance(value, dict):
        for binding, keys in value.items():
            if not isinstance(keys, str):
                return (
                    f"[keymap] {_shown(binding, 40)} must be a string of keys"
                    f' such as "a,ctrl+a", not {_toml_kind(keys)}'
                )
        return None
    if key in _STRING_KEYS:
        fits = isinstance(value, str)
    elif key == "idle_lock_minutes":
        fits = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif key in ("copy_private", "export_private"):
        fits = isinstance(value, bool)
    else:  # keymap, not a table
        fits = False
    return None if fits else f"{key} must be {_FILE_EXPECTS[key]}, not {_toml_kind(value)}"


def _shown(value: object, max_chars: int = MAX_SHOWN_VALUE_CHARS) -> str:
    """A setting's value quoted in an error message: one line, no control characters, bounded."""
    return repr(clean_line(str(value), max_chars=max_chars))


def _from_file(path: Path) -> dict:
    """The known settings of the config file, each of the type it must have."""
    if not path.exists():
        return {}
    where = clean_line(str(path), max_chars=500)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        raise ConfigError(f"{where}: not valid TOML{f' (at {found.group(1)})' if found else ''}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {where}: {exc.strerror or type(exc).__name__}") from None
    known = {f.name for f in fields(Config)} - {"password"}  # a password never lives in a file
    values = {k: v for k, v in data.items() if k in known}
    try:
        values["views"] = parse_views(values.get("views", {}))
        values["default_view"] = parse_default_views(values.get("default_view", {}), values["views"])
    except ViewProblem as exc:
        raise ConfigError(f"{where}: {exc}") from None
    for key, value in values.items():
        if key not in ("views", "default_view") and (problem := _type_problem(key, value)):
            raise ConfigError(f"{where}: {problem}")
    try:
        _checked(dict(values))  # values of the right type can still be out of range
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return values


def server_url_problem(url: str) -> str | None:
    """What is wrong with a server URL, or None: it must be http:// or https:// with a host."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "it holds spaces or control characters"
    if "://" not in url:
        return "no scheme"
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" of an IPv6 address
        return "not a URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "the scheme is not http or https"
    if not parts.hostname:
        return "no host"
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number from 0 to 65535)
    except ValueError:
        return "the port is not a number from 0 to 65535"
    return None


def _without_userinfo(url: str) -> str:
    """A URL to echo in an error message: a user name and password in it are left out."""
    return re.sub(r"(//)[^/@]*@", r"\1…@", url, count=1)


def _checked(values: dict) -> dict:
    """Type and range checks for the settings a file, the environment or a flag can hold."""
    if "server" in values and (problem := server_url_problem(values["server"])):
        raise ConfigError(
            f"server must be an http:// or https:// URL, e.g. {SERVER_EXAMPLE} "
            f"(got {_shown(_without_userinfo(values['server']))}: {problem})"
        )
    if "lang" in values and values["lang"] not in LANGUAGES:
        raise ConfigError(f"lang must be one of {', '.join(LANGUAGES)}")
    minutes = values.get("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)
    try:
        if isinstance(minutes, bool):
            raise TypeError
        minutes = float(minutes)
    except (TypeError, ValueError):
        raise ConfigError("idle_lock_minutes must be a number of minutes (0: never lock)") from None
    if not 0 <= minutes <= 24 * 60:
        raise ConfigError("idle_lock_minutes must be between 0 and 1440")
    values["idle_lock_minutes"] = minutes
    if not isinstance(values.get("copy_private", False), bool):
        raise ConfigError("copy_private must be true or false")
    if values.get("photos", "auto") not in PHOTO_SETTINGS:
        raise ConfigError(f"photos must be one of {', '.join(PHOTO_SETTINGS)}")
    return values


def load_config(
    *,
    environ: Mapping[str, str] | None = None,
    server: str | None = None,
    lang: str | None = None,
    idle_lock_minutes: float | None = None,
    photos: str | None = None,
) -> Config:
    """File, then environment, then flags (the arguments): each overrides the one before."""
    environ = os.environ if environ is None else environ
    values = _from_file(config_path(environ))
    file_lang = values.get("lang")
    env_values = {
        "server": environ.get("CRM_TUI_SERVER"),
        "lang": environ.get("CRM_TUI_LANG"),
        "username": environ.get("CRM_TUI_USERNAME"),
        "password": environ.get("CRM_TUI_PASSWORD"),
        "ca_bundle": environ.get("CRM_TUI_CA_BUNDLE"),
        "idle_lock_minutes": environ.get("CRM_TUI_IDLE_LOCK_MINUTES"),
        "photos": environ.get("CRM_TUI_PHOTOS"),
    }
    values.update({k: v for k, v in env_values.items() if v})
    if server:
        values["server"] = server
    if lang:
        values["lang"] = lang
    if idle_lock_minutes is not None:
        values["idle_lock_minutes"] = idle_lock_minutes
    if photos:
        values["photos"] = photos
    if not file_lang and "lang" not in values:
        values["lang"] = _lang_from_locale(environ) or "id"
    values = _checked(values)
    tables = ("keymap", "views", "default_view")
    config = Config(**{k: v for k, v in values.items() if k not in tables})
    return replace(
        config,
        keymap=MappingProxyType(dict(values.get("keymap", {}))),
        views=MappingProxyType(dict(values.get("views", {}))),
        default_view=MappingProxyType(dict(values.get("default_view", {}))),
    )
