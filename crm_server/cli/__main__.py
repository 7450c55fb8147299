"""`python -m crm_server.cli`: the same as `crm-server`."""

import sys

from crm_server.cli import main

if __name__ == "__main__":  # not when a tool imports every module of the package
    sys.exit(main())
