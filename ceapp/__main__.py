"""`python -m ceapp COMMAND`: the command line, without the window."""

import sys

from ceapp.cli import main

sys.exit(main())
