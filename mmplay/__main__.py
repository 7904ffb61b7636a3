"""Entry point for ``python -m mmplay``."""

import sys

from mmplay.cli import main

sys.exit(main())
