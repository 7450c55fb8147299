"""`python -m crm_server.cli`: the same as `crm-server`."""

import sys

from crm_server.cli import main

sys.exit(main())
