"""``python -m perfdash ...``: the command line without the installed ``perfdash`` script
(a PaaS build that installs requirements.txt runs the Procfile's commands this way)."""

import sys

from perfdash.cli import main

sys.exit(main())
