"""``python -m relance``: the same as the ``relance`` command."""

import sys

from relance.cli import main

sys.exit(main())
