"""`python -m alignment …`: the command line."""

import sys

from alignment.cli import main

sys.exit(main())
