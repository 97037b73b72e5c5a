"""`python -m sopflow`: the same as the `sopflow` command."""

import sys

from sopflow.cli import main

sys.exit(main())
