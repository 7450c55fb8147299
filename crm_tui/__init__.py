"""The operator console: a Textual application over `api_client`."""

import sys

# `import httpx` (0.28) also imports its command-line client, `httpx._main`, and with it click
# and pygments: ~40 ms of the console's start for a tool it never runs. httpx imports that
# module inside `try: ... except ImportError`, as an optional part; when the console is the
# first to import httpx, it marks the module absent (a `None` entry in `sys.modules` makes its
# import raise ImportError), and `httpx.main` is then httpx's own stub. Upstream: encode/httpx
# discussion 3523 and pull request 3547 (moving that import out of `httpx/__init__`).
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: absent
