"""`python -m simulation.app [SCENARIO] [--port N] [--host H]`: serve the page."""

import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())
