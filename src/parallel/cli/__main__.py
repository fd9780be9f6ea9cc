"""``python -m parallel.cli``: the command line."""
import sys

from parallel.cli.main import main

sys.exit(main())
