"""Settings: the file, overridden by the environment, overridden by flags."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from crm_tui.cli import EXIT_USAGE
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


# --- the file's keys, each of its own type ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("server = 5\n", 'server must be a string (a URL such as "https://crm.example"), not an integer'),
        ("lang = true\n", 'lang must be a string ("id" or "en"), not a boolean'),
        ("theme = 1.5\n", 'theme must be a string (a theme name such as "textual-dark"), not a float'),
        ("ca_bundle = []\n", "ca_bundle must be a string (the path of a CA bundle file), not an array"),
        ("username = 1979-05-27T07:32:00Z\n", "username must be a string, not a date-time"),
        ('idle_lock_minutes = "5"\n', "idle_lock_minutes must be a number of minutes (0: never lock), not a string"),
        ('copy_private = "yes"\n', "copy_private must be true or false, not a string"),
        ("photos = 1\n", 'photos must be a string ("auto", "kitty", "sixel", "halfblock"), not an integer'),
        (
            'keymap = "a"\n',
            'keymap must be a table of binding ids and keys ([keymap] "main.assign" = "a,ctrl+a"), not a string',
        ),
        (
            '[keymap]\n"main.assign" = 3\n',
            "[keymap] 'main.assign' must be a string of keys such as \"a,ctrl+a\", not an integer",
        ),
        ("[server]\nurl = 1\n", 'server must be a string (a URL such as "https://crm.example"), not a table'),
    ],
)
def test_a_key_of_the_wrong_type_names_the_file_the_key_and_the_type(tmp_path, text, expected):
    environ = _env(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(environ=environ)
    assert str(caught.value) == f"{environ['CRM_TUI_CONFIG']}: {expected}"


def test_a_bad_value_in_the_file_names_the_file(tmp_path):
    environ = _env(tmp_path, 'lang = "fr"\n')
    with pytest.raises(ConfigError, match=f"^{re.escape(environ['CRM_TUI_CONFIG'])}: lang must be one of id, en$"):
        load_config(environ=environ)
    with pytest.raises(ConfigError, match=r"^lang must be one of id, en$"):  # from the environment: no file named
        load_config(environ={**_env(tmp_path / "none"), "CRM_TUI_LANG": "fr"})


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ('server = "https://crm.example"\n[hunter2-secret]\n[hunter2-secret]\n', "line 3, column 16"),
        ('server = "https://crm.example"\ntoken = "hunter2-secret\x01"\n', "line 2, column 24"),
        ('token = "hunter2-secret\n', "line 1, column 24"),
        ('token = "hunter2-secret"\ntoken = 1\n', "line 2, column 1"),
    ],
)
def test_invalid_toml_gives_the_position_and_nothing_of_the_file(tmp_path, text, position):
    environ = _env(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(environ=environ)
    message = str(caught.value)
    assert message.startswith(f"{environ['CRM_TUI_CONFIG']}: not valid TOML (at ")
    assert position in message
    for leak in ("hunter2", "token", "\x01", "('", "overwrite", "declare"):
        assert leak not in message


# --- the server URL, from any source ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("foo", "no scheme"),
        ("127.0.0.1:18765", "no scheme"),
        ("localhost:8080", "no scheme"),
        ("ftp://crm.example", "the scheme is not http or https"),
        ("https://", "no host"),
        ("http://127.0.0.1:99999", "the port is not a number from 0 to 65535"),
        ("http://[::1", "not a URL"),
        ("http://crm example", "it holds spaces or control characters"),
    ],
)
def test_a_server_that_is_not_an_http_url_is_refused(tmp_path, url, problem):
    expected = f"server must be an http:// or https:// URL, e.g. https://crm.example (got {url!r}: {problem})"
    with pytest.raises(ConfigError) as from_flag:
        load_config(environ=_env(tmp_path), server=url)
    assert str(from_flag.value) == expected
    with pytest.raises(ConfigError) as from_environment:
        load_config(environ=_env(tmp_path, CRM_TUI_SERVER=url))
    assert str(from_environment.value) == expected
    environ = _env(tmp_path, f"server = {json.dumps(url)}\n")
    with pytest.raises(ConfigError) as from_file:
        load_config(environ=environ)
    assert str(from_file.value) == f"{environ['CRM_TUI_CONFIG']}: {expected}"


def test_a_refused_server_url_is_echoed_clean_short_and_without_a_password(tmp_path):
    hostile = "\x1b]52;c;aGk=\x07\x1b[2J" + "x" * 5_000
    with pytest.raises(ConfigError) as caught:
        load_config(environ=_env(tmp_path), server=hostile)
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message and len(message) < 250
    with pytest.raises(ConfigError) as caught:
        load_config(environ=_env(tmp_path), server="htps://budi:s3cret@crm.example")
    assert "s3cret" not in str(caught.value) and "crm.example" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "https://crm.example", "https://crm.example/kota/", "HTTPS://[::1]:8443"]
)
def test_http_and_https_urls_with_a_host_are_taken(tmp_path, url):
    assert load_config(environ=_env(tmp_path), server=url).server == url


# --- the command line: a usage error, at once ---------------------------------------------------


def _crm_tui(tmp_path, *args: str, config: str | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CRM_TUI_")} | _env(
        tmp_path, config, XDG_STATE_HOME=str(tmp_path / "state")
    )
    # Bounded: before the URL was checked, a console started and retried forever.
    return subprocess.run(
        [sys.executable, "-m", "crm_tui.cli", *args],
        env=environ,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_wrong_type_in_the_file_is_a_usage_error_not_an_incident(tmp_path):
    done = _crm_tui(tmp_path, config="server = 5\n")
    path = tmp_path / "config.toml"
    assert done.returncode == EXIT_USAGE
    assert done.stderr == (
        f'crm-tui: {path}: server must be a string (a URL such as "https://crm.example"), not an integer\n'
    )
    assert not (tmp_path / "state").exists()  # no incident log


def test_a_server_url_without_a_scheme_is_a_usage_error(tmp_path):
    done = _crm_tui(tmp_path, "--server", "127.0.0.1:18765")
    assert done.returncode == EXIT_USAGE
    assert done.stderr == (
        "crm-tui: server must be an http:// or https:// URL, e.g. https://crm.example "
        "(got '127.0.0.1:18765': no scheme)\n"
    )
