"""``python -m quartiersim.cli``: the same as the ``quartiersim`` command."""

import sys

from quartiersim.cli import main

sys.exit(main())
