"""`crm-tui`: the console. `crm-tui demo` runs it on the embedded demo backend."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING

from crm_tui.photo_mode import PHOTO_SETTINGS

if TYPE_CHECKING:
    from crm_tui.config import Config
    from crm_tui.departure import Departure

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_DEMO_REPORTS = 2_000_000  # seeding more takes the demo backend minutes to start


def _demo_report_count(text: str) -> int:
    """`--reports N`: a whole number from 1 to MAX_DEMO_REPORTS (argparse names the option)."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number of reports") from None
    if not 1 <= count <= MAX_DEMO_REPORTS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_DEMO_REPORTS:,}")
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-tui", description="Keyboard console for triaging citizen reports.")
    parser.add_argument("--server", help="the CRM server URL (else CRM_TUI_SERVER, else the config file)")
    parser.add_argument("--lang", choices=("id", "en"), help="interface language (banners stay Indonesian)")
    parser.add_argument(
        "--idle-lock-minutes",
        type=float,
        metavar="N",
        help="lock the screen after N minutes without input, 0 for never (default 5)",
    )
    parser.add_argument(
        "--photos",
        choices=PHOTO_SETTINGS,
        help="draw photos with kitty graphics, sixel or half-block cells (default: auto, from the terminal)",
    )
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run on a temporary demo backend, signed in as its dispatcher")
    demo.add_argument(
        "--reports",
        type=_demo_report_count,
        default=None,
        metavar="N",
        help=f"demo reports to seed, 1 to {MAX_DEMO_REPORTS:,} (default 2,000)",
    )
    # Also after `demo` (`crm-tui demo --lang en`, as the README has it).
    demo.add_argument(
        "--lang", choices=("id", "en"), dest="demo_lang", help="interface language (banners stay Indonesian)"
    )
    return parser


def _lock_glyph() -> str:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return "🔒" if encoding == "utf8" else "P"


def main(argv: list[str] | None = None) -> int:
    from crm_tui.environment import clear_devtools_environment

    clear_devtools_environment()  # before anything imports Textual, which reads them at import
    args = build_parser().parse_args(argv)
    log_dir = None
    try:
        from crm_tui.config import ConfigError, load_config

        lang = getattr(args, "demo_lang", None) or args.lang
        try:
            config = load_config(
                server=args.server,
                lang=lang,
                idle_lock_minutes=args.idle_lock_minutes,
                photos=args.photos,
            )
        except ConfigError as exc:
            print(f"crm-tui: {exc}", file=sys.stderr)
            return EXIT_USAGE
        log_dir = config.log_dir
        from crm_tui.crash import route_stray_errors
        from crm_tui.departure import Departure

        departure = Departure()
        route_stray_errors(log_dir, terminal_gone=departure.terminal_gone)
        return _run(args, config, departure)
    except KeyboardInterrupt:  # Ctrl+C before the app took the terminal (the demo starting)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # a line of ours (the demo starting) went to a pipe already closed
        from crm_tui.departure import EXIT_BROKEN_PIPE

        _silence_output()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001  # any error at all: an incident id, never its message
        # Python's own report would print the exception's message, which can hold report text.
        from crm_tui.crash import EXIT_CRASH, report_crash

        if log_dir is None:
            from crm_tui.config import Config

            log_dir = Config().log_dir
        report_crash(log_dir, exc)
        return EXIT_CRASH


def _run(args: argparse.Namespace, config: Config, departure: Departure) -> int:
    from api_client import quiet_httpx_logging
    from widgets.i18n import set_language

    quiet_httpx_logging()  # httpx logs full URLs (with what the operator searched) at INFO
    set_language(config.lang)
    # A hang-up or a stop request from here on signs out and stops the demo backend (see departure).
    departure.install()
    backend = None
    credentials = None
    try:
        if args.command == "demo":
            from dataclasses import replace
            from pathlib import Path

            from crm_tui.demo_backend import (
                DEFAULT_REPORTS,
                DEMO_DIR_ENV,
                DEMO_PASSWORD,
                DEMO_USERNAME,
                DemoBackend,
                DemoBackendError,
            )

            folder = Path(os.environ[DEMO_DIR_ENV]) if os.environ.get(DEMO_DIR_ENV) else None
            reports = args.reports if args.reports is not None else DEFAULT_REPORTS
            backend = departure.backend = DemoBackend(reports, folder)
            print(f"crm-tui: starting the demo backend ({backend.reports:,} reports)…", file=sys.stderr, flush=True)
            try:
                config = replace(config, server=backend.start())
            except DemoBackendError as exc:
                print(f"crm-tui: {exc}", file=sys.stderr)
                return 1
            credentials = (DEMO_USERNAME, DEMO_PASSWORD)
        from crm_tui.app import SIGN_OUT_SECONDS, CrmApp

        app = CrmApp(config, credentials=credentials, lock_glyph=_lock_glyph(), demo=backend is not None)
        departure.signs_out(app.client, within=SIGN_OUT_SECONDS)
        departure.stops_with(app.exit_soon)
        app.run()
    finally:
        if backend is not None:
            backend.stop()
        if departure.status is not None:
            # Told to stop: Textual's input thread may be left reading a terminal that is gone,
            # spinning there, and would keep the interpreter from ever exiting.
            os._exit(departure.status)
    return app.return_code or 0  # a crash inside the app has printed its incident line already


def _silence_output() -> None:
    """Point stdout and stderr at /dev/null: Python flushes them at exit, and a write to the closed
    pipe would print "Exception ignored ... BrokenPipeError" (to nowhere, or to the terminal)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
