"""`python -m stpexplorer` is the `stpexplorer` command."""

import sys

from stpexplorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
