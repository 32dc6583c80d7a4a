"""`python -m crawler.cli`: the `finnews` command."""

import sys

from crawler.cli import main

sys.exit(main())
