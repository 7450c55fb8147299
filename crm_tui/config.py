"""Settings: TOML in the platform config dir, overridden by the environment, overridden by flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType

from platformdirs import user_config_path, user_state_path

from crm_tui.photo_mode import PHOTO_SETTINGS

APP_NAME = "crm-tui"
CONFIG_ENV = "CRM_TUI_CONFIG"  # points tests (and kiosks) at a config file of their own
LANGUAGES = ("id", "en")
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
    # How photos are drawn: "auto", "kitty" (kitty graphics), "sixel" or "halfblock" (see photo_mode).
    photos: str = "auto"

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


def _from_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {type(exc).__name__}") from None
    known = {f.name for f in fields(Config)} - {"password"}  # a password never lives in a file
    values = {k: v for k, v in data.items() if k in known}
    keymap = values.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f"{path}: [keymap] maps binding ids to key strings")
    return values


def _checked(values: dict) -> dict:
    """Type and range checks for the settings a file, the environment or a flag can hold."""
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
    if values.get("lang") not in LANGUAGES:
        raise ConfigError(f"lang must be one of {', '.join(LANGUAGES)}")
    values = _checked(values)
    config = Config(**{k: v for k, v in values.items() if k != "keymap"})
    return replace(config, keymap=MappingProxyType(dict(values.get("keymap", {}))))
