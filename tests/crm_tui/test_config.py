"""Settings: the file, overridden by the environment, overridden by flags."""

from __future__ import annotations

import pytest

from crm_tui.config import ConfigError, load_config


def _env(tmp_path, text: str | None = None, **extra: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return {"CRM_TUI_CONFIG": str(path), **extra}


def test_file_then_environment_then_flags(tmp_path):
    environ = _env(tmp_path, 'server = "http://file:1"\nlang = "en"\n[keymap]\n"main.assign" = "x"\n')
    config = load_config(environ=environ)
    assert (config.server, config.lang, dict(config.keymap)) == ("http://file:1", "en", {"main.assign": "x"})
    environ["CRM_TUI_SERVER"] = "http://env:2"
    environ["CRM_TUI_LANG"] = "id"
    config = load_config(environ=environ)
    assert (config.server, config.lang) == ("http://env:2", "id")
    config = load_config(environ=environ, server="http://flag:3", lang="en")
    assert (config.server, config.lang) == ("http://flag:3", "en")


def test_language_follows_the_locale_when_nothing_says_otherwise(tmp_path):
    assert load_config(environ=_env(tmp_path, LANG="en_GB.UTF-8")).lang == "en"
    assert load_config(environ=_env(tmp_path, LANG="id_ID.UTF-8")).lang == "id"
    assert load_config(environ=_env(tmp_path, LANG="C.UTF-8")).lang == "id"


def test_a_password_is_never_read_from_the_file_and_never_shown(tmp_path):
    environ = _env(tmp_path, 'username = "budi"\npassword = "from-file"\n')
    config = load_config(environ=environ)
    assert config.username == "budi" and config.password is None
    config = load_config(environ={**environ, "CRM_TUI_PASSWORD": "s3cret-kiosk"})
    assert config.password == "s3cret-kiosk" and "s3cret-kiosk" not in repr(config)


@pytest.mark.parametrize(
    "text",
    ['lang = "fr"\n', "this is not toml = = =\n", '[keymap]\n"main.assign" = 3\n', 'photos = "ascii"\n'],
)
def test_bad_settings_are_one_clear_error(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load_config(environ=_env(tmp_path, text))
    assert "\n" not in str(caught.value)


def test_photos_from_file_environment_and_flag(tmp_path):
    environ = _env(tmp_path, 'photos = "halfblock"\n')
    assert load_config(environ={**_env(tmp_path / "none")}).photos == "auto"
    assert load_config(environ=environ).photos == "halfblock"
    assert load_config(environ={**environ, "CRM_TUI_PHOTOS": "kitty"}).photos == "kitty"
    assert load_config(environ={**environ, "CRM_TUI_PHOTOS": "kitty"}, photos="auto").photos == "auto"
    with pytest.raises(ConfigError, match="photos must be one of auto, kitty, sixel, halfblock"):
        load_config(environ={**environ, "CRM_TUI_PHOTOS": "iterm"})
