"""gunicorn's configuration file, read from the working directory (the Procfile's gunicorn).

It checks the settings once in the master before any worker starts, so a deployment without
DATABASE_URL or PERFDASH_SECRET_KEY stops with one line instead of a traceback per worker.
Everything else stays on the Procfile's command line.
"""

import sys

from perfdash.config import ConfigError
from perfdash.serving import check_served_settings

try:
    check_served_settings()
except ConfigError as exc:
    print(f"perfdash: {exc}", file=sys.stderr)
    sys.exit(1)
